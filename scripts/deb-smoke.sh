#!/usr/bin/env bash
# The .deb smoke test: builds the Linux package as an installer would ship it (the built UI
# in the binary, updater artifacts signed), checks the package (its fields, that apt could
# install it here, the desktop entry with the .rbk backup association, the icons), unpacks
# it into a scratch root, and starts the packaged binary under Xvfb with a real keyring:
# it passes when the window comes up, the first screen reports itself interactive in the
# log, and the process is still running a few seconds later. A screenshot is kept.
#
# Usage: scripts/deb-smoke.sh            build the .deb (about 8 minutes on 2 cores), then test it
#        scripts/deb-smoke.sh FILE.deb   test a .deb built before
# Not part of scripts/test.sh (too slow for CI). Needs what scripts/setup-system.sh installs
# and `npm ci --prefix ui` (the UI's packages); the Tauri CLI comes through npx, pinned.
# Without TAURI_SIGNING_PRIVATE_KEY a throwaway key signs the updater artifact (the
# package is then only good for this test: the app trusts Rollbook's key only).
set -euo pipefail
cd "$(dirname "$0")/.."
root_dir=$(pwd)
target="${CARGO_TARGET_DIR:-$root_dir/target}"
alive_for="${SMOKE_ALIVE_SECONDS:-5}"

work=$(mktemp -d)
pids=()
cleanup() {
  # The app runs in a process group of its own (with its D-Bus session and keyring).
  for p in "${pids[@]}"; do kill -- "-$p" 2>/dev/null || kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "deb smoke: FAILED: $*" >&2
  exit 1
}

deb="${1:-}"
if [ -z "$deb" ]; then
  if [ -z "${TAURI_SIGNING_PRIVATE_KEY:-}" ]; then
    echo "==> no TAURI_SIGNING_PRIVATE_KEY: signing the updater artifact with a throwaway key"
    npx --yes @tauri-apps/cli@2.12.5 signer generate --ci -p "" -w "$work/throwaway.key" >/dev/null
    export TAURI_SIGNING_PRIVATE_KEY="$work/throwaway.key" TAURI_SIGNING_PRIVATE_KEY_PASSWORD=""
  fi
  echo "==> building the .deb (tauri build --bundles deb)"
  start=$(date +%s)
  (cd src-tauri && TAURI_APP_PATH=. npx --yes @tauri-apps/cli@2.12.5 build --bundles deb --ci)
  echo "    built in $(( $(date +%s) - start )) s"
  version=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' tauri.conf.json | head -1)
  deb=$(ls -t "$target"/release/bundle/deb/Rollbook_"${version}"_*.deb | head -1)
fi
[ -f "$deb" ] || fail "no package at $deb"
deb=$(realpath "$deb")
echo "==> package: $deb ($(du -k "$deb" | cut -f1) KB)"

echo "==> control fields"
dpkg-deb --field "$deb" Package Version Architecture Maintainer Depends Section
[ "$(dpkg-deb --field "$deb" Package)" = "rollbook" ] || fail "the package is not named rollbook"
if [ -f "$deb.sig" ]; then
  echo "    updater signature: $deb.sig"
fi

echo "==> apt could install it here (simulated: dependencies resolve)"
apt-get install --simulate --no-install-recommends "$deb" >"$work/apt.log" 2>&1 \
  || { cat "$work/apt.log"; fail "apt cannot install the package's dependencies"; }
grep -E '^(Inst|Conf) rollbook ' "$work/apt.log" | head -2

echo "==> unpacked into a scratch root"
scratch="$work/root"
dpkg-deb -x "$deb" "$scratch"
bin="$scratch/usr/bin/rollbook-app"
[ -x "$bin" ] || fail "no executable at /usr/bin/rollbook-app"
desktop=$(ls "$scratch"/usr/share/applications/*.desktop 2>/dev/null | head -1)
[ -n "$desktop" ] || fail "no desktop entry"
grep -q '^MimeType=.*application/x-rollbook-backup' "$desktop" || fail "the desktop entry does not open .rbk backups"
grep -q '^Exec=.* %F$' "$desktop" || fail "the desktop entry does not pass opened files to the app"
grep -q 'glob pattern="\*.rbk"' "$scratch/usr/share/mime/packages/rollbook.xml" 2>/dev/null \
  || fail "no shared-mime-info type for .rbk files"
icons=$(find "$scratch/usr/share/icons" -name '*.png' | wc -l)
[ "$icons" -ge 2 ] || fail "icons missing ($icons found)"
echo "    $(basename "$desktop"): $(grep -E '^(Name|Exec|MimeType)=' "$desktop" | tr '\n' ' ')"
echo "    icons: $icons"

echo "==> starting the packaged binary under Xvfb"
num=$(( 200 + RANDOM % 100 ))
Xvfb ":$num" -screen 0 1280x800x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -S "/tmp/.X11-unix/X$num" ] && break; sleep 0.1; done
data="$work/data"
mkdir -p "$data"
started=$(date +%s%N)
DISPLAY=":$num" ROLLBOOK_DATA_DIR="$data" \
  setsid scripts/with-keyring.sh "$bin" >"$work/app.out" 2>&1 &
app_pid=$!
pids+=("$app_pid")

deadline=$(( $(date +%s) + 60 ))
line=""
while [ "$(date +%s)" -lt "$deadline" ]; do
  line=$(cat "$data"/logs/rollbook*.log 2>/dev/null | grep -m1 'first screen interactive' || true)
  [ -n "$line" ] && break
  kill -0 "$app_pid" 2>/dev/null || { cat "$work/app.out"; fail "the app exited before its first screen"; }
  sleep 0.1
done
[ -n "$line" ] || { cat "$work/app.out"; fail "no first screen within 60 s"; }
echo "    first screen after $(( ($(date +%s%N) - started) / 1000000 )) ms: ${line#*INFO }"
sleep "$alive_for"
kill -0 "$app_pid" 2>/dev/null || { cat "$work/app.out"; fail "the app died after its first screen"; }
DISPLAY=":$num" xwininfo -root -tree 2>/dev/null | grep -q '"Rollbook"' || fail "no window titled Rollbook"
mkdir -p tests/e2e/artifacts
if command -v import >/dev/null 2>&1; then
  DISPLAY=":$num" import -window root tests/e2e/artifacts/deb-smoke.png && echo "    screenshot: tests/e2e/artifacts/deb-smoke.png"
fi
echo "deb smoke: PASSED (window up, first screen interactive, alive ${alive_for} s later)"
