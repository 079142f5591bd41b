#!/usr/bin/env bash
# Runs the end-to-end tests against the real app binary in a real window: Xvfb for the
# display, tauri-driver in front of WebKitWebDriver, and a fresh data folder each run.
# Usage: tests/e2e/run.sh path/to/rollbook-app [NAME...]
# With names (e.g. foundation import roll-call), only those test files run, in that order;
# later files build on what earlier ones made, so name the ones a file depends on too.
# The sync test needs ROLLBOOK_SERVER (the rollbook-server binary) and, for its second
# computer, ROLLBOOK_CLI (the rollbook binary); without ROLLBOOK_SERVER it is skipped.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
app="$(realpath "${1:?usage: run.sh path/to/rollbook-app [NAME...]}")"
shift
files=()
for name in "$@"; do files+=("$here/$name.test.mjs"); done
[ ${#files[@]} -eq 0 ] && files=("$here"/*.test.mjs)

work=$(mktemp -d)
num=$(( 90 + RANDOM % 100 ))
display=":$num"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -S "/tmp/.X11-unix/X$num" ] && break; sleep 0.1; done

port=$(( 4500 + RANDOM % 400 ))
# WebKitWebDriver's own port too, so two runs on one machine do not share a driver.
native_port=$(( 5000 + RANDOM % 400 ))
# The app inherits tauri-driver's environment: its data folder and display are set here.
DISPLAY="$display" ROLLBOOK_DATA_DIR="$work/data" \
  tauri-driver --port "$port" --native-port "$native_port" --native-driver /usr/bin/WebKitWebDriver >"$work/driver.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done

mkdir -p "$here/artifacts"
for var in ROLLBOOK_SERVER ROLLBOOK_CLI; do
  if [ -n "${!var:-}" ]; then
    [ -x "${!var}" ] || { echo "$var=${!var} is not an executable file" >&2; exit 2; }
    export "$var=$(realpath "${!var}")"
  fi
done
[ -n "${ROLLBOOK_SERVER:-}" ] || echo "note: ROLLBOOK_SERVER is not set, so the sync test (sync.test.mjs) is skipped"
status=0
ROLLBOOK_APP="$app" WEBDRIVER_PORT="$port" ROLLBOOK_E2E_DATA="$work/data" DISPLAY="$display" \
  node --test --test-concurrency=1 "${files[@]}" || status=$?
if [ $status -ne 0 ]; then
  echo "--- tauri-driver log ---"; tail -n 50 "$work/driver.log" || true
fi
exit $status
