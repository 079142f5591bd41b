#!/usr/bin/env bash
# Size and start-up benchmark of the packaged Linux app (figures in docs/BENCHMARKS.md):
#  - the installer's size (the .deb) and the binary's;
#  - start to first interactive screen: from starting the process to the UI reporting its
#    first screen drawn and taking keys (the shell logs "first screen interactive"), against
#    a baseline: a bare WebKitGTK window (Python + WebKit2 4.1, the engine Tauri uses on
#    Linux) from start to its page's first frame;
#  - memory at rest: with 2,000 students imported (the rollbook CLI, from a generated CSV),
#    the app opened on its student list and left for 10 s; resident memory of the app
#    process, and the proportional set size of the app and its WebKit processes together.
# The baseline runs on the system Python (/usr/bin/python3), where python3-gi installs.
# Usage: scripts/bench-startup.sh [FILE.deb]   (default: the newest .deb built by
#        scripts/deb-smoke.sh or `tauri build --bundles deb`). Runs under Xvfb with a private
#        keyring; ROLLBOOK_CLI may name the rollbook binary (else it is built, debug).
set -euo pipefail
cd "$(dirname "$0")/.."
root_dir=$(pwd)
target="${CARGO_TARGET_DIR:-$root_dir/target}"
runs="${BENCH_RUNS:-5}"

# The CLI seeds the store and the app opens it: one keyring session for both.
if [ -z "${ROLLBOOK_BENCH_KEYRING:-}" ]; then
  ROLLBOOK_BENCH_KEYRING=1 exec scripts/with-keyring.sh "$0" "$@"
fi

for pkg in python3-gi gir1.2-webkit2-4.1; do
  dpkg -s "$pkg" >/dev/null 2>&1 || {
    echo "==> installing $pkg (the baseline window)"
    apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null
  }
done

deb="${1:-$(ls -t "$target"/release/bundle/deb/*.deb 2>/dev/null | head -1)}"
[ -f "$deb" ] || { echo "no .deb: run scripts/deb-smoke.sh first, or pass one" >&2; exit 1; }
cli="${ROLLBOOK_CLI:-}"
if [ -z "$cli" ]; then
  cargo build -q -p rollbook-cli
  cli="$target/debug/rollbook"
fi

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

dpkg-deb -x "$deb" "$work/root"
bin="$work/root/usr/bin/rollbook-app"
num=$(( 300 + RANDOM % 100 ))
Xvfb ":$num" -screen 0 1280x800x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -S "/tmp/.X11-unix/X$num" ] && break; sleep 0.1; done
export DISPLAY=":$num"

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }

# Starts the app on $1 (data folder) and waits for its first screen: sets $took (ms) and
# leaves the app running with its pid in $app_pid.
app_pid=""
took=0
start_app() {
  local data=$1 t0 line=""
  t0=$(now_ms)
  ROLLBOOK_DATA_DIR="$data" "$bin" >"$work/app.out" 2>&1 &
  app_pid=$!
  pids+=("$app_pid")
  for _ in $(seq 6000); do
    line=$(cat "$data"/logs/rollbook*.log 2>/dev/null | grep -m1 'first screen interactive' || true)
    [ -n "$line" ] && break
    kill -0 "$app_pid" 2>/dev/null || { cat "$work/app.out" >&2; echo "the app exited" >&2; exit 1; }
    sleep 0.005
  done
  [ -n "$line" ] || { echo "no first screen within 30 s" >&2; exit 1; }
  took=$(( $(now_ms) - t0 ))
  echo "    ${line##*INFO } (in-process, since the shell began)" >&2
}
stop_app() {
  kill "$app_pid" 2>/dev/null || true
  wait "$app_pid" 2>/dev/null || true
}

cat >"$work/baseline.py" <<'EOF'
# A bare WebKitGTK window: prints when its page has drawn its first frame.
import sys, gi
gi.require_version("Gtk", "3.0")
gi.require_version("WebKit2", "4.1")
from gi.repository import Gtk, WebKit2
win = Gtk.Window(title="baseline")
win.set_default_size(1200, 780)
view = WebKit2.WebView()
hold = len(sys.argv) > 1 and sys.argv[1] == "hold"
def on_title(v, _):
    if v.get_title() == "ready":
        print("ready", flush=True)
        if not hold:
            Gtk.main_quit()
view.connect("notify::title", on_title)
view.load_html("<!doctype html><html><body><h1>Hello</h1><script>"
               "requestAnimationFrame(() => requestAnimationFrame(() => { document.title = 'ready'; }));"
               "</script></body></html>", "about:blank")
win.add(view)
win.show_all()
Gtk.main()
EOF

echo "==> sizes"
deb_kb=$(( $(stat -c %s "$deb") / 1024 ))
bin_kb=$(( $(stat -c %s "$bin") / 1024 ))
echo "installer (.deb): $deb_kb KB   binary: $bin_kb KB"

echo "==> baseline: a bare WebKitGTK window to its first frame ($runs runs)"
base=()
for _ in $(seq "$runs"); do
  t0=$(now_ms)
  /usr/bin/python3 "$work/baseline.py" >/dev/null
  base+=($(( $(now_ms) - t0 )))
done
echo "runs: ${base[*]} ms; median $(printf '%s\n' "${base[@]}" | median) ms"

echo "==> Rollbook, first start on an empty folder (setup screen)"
start_app "$work/fresh"
stop_app
echo "$took ms"

echo "==> seeding 2,000 students (CLI import of a generated CSV)"
data="$work/school"
"$cli" --data-dir "$data" init --school "Benchmark School" --country IN --currency INR >/dev/null
awk 'BEGIN {
  print "Admission No,Given Name,Family Name,Class,Date of Birth,Gender,Guardian Name,Guardian Mobile";
  split("Aarav Vivaan Aditya Diya Ananya Ishaan Kavya Rohan Saanvi Arjun", g, " ");
  split("Sharma Iyer Patel Reddy Khan Das Nair Gupta Singh Rao", f, " ");
  for (i = 1; i <= 2000; i++) {
    grade = 1 + (i % 10); sect = substr("ABCD", 1 + (i % 4), 1);
    printf "B-%05d,%s,%s,Grade %d %s,%02d/%02d/%d,%s,%s %s,98%08d\n",
      i, g[1 + i % 10], f[1 + int(i / 10) % 10], grade, sect,
      1 + i % 28, 1 + i % 12, 2010 + i % 8, (i % 2 ? "male" : "female"), "Parent", f[1 + int(i / 10) % 10], 10000000 + i;
  }
}' >"$work/students.csv"
"$cli" --data-dir "$data" import "$work/students.csv" --create-classes >"$work/import.log" 2>&1 \
  || { cat "$work/import.log"; exit 1; }
grep -iE 'inserted|committed' "$work/import.log" | head -2

echo "==> Rollbook with 2,000 students, start to first screen ($runs runs)"
times=()
for i in $(seq "$runs"); do
  rm -f "$data"/logs/rollbook*.log
  start_app "$data"
  times+=("$took")
  if [ "$i" -lt "$runs" ]; then stop_app; fi
done
echo "runs: ${times[*]} ms; median $(printf '%s\n' "${times[@]}" | median) ms"

# Resident memory of process $1 and of it with every process it started (WebKit's web
# content and network processes): PSS shares out the libraries they have in common, so the
# sum is what they take together.
descendants() { local c; for c in $(pgrep -P "$1"); do echo "$c"; descendants "$c"; done; }
memory() {
  local family p v r pss_kb=0
  family="$1 $(descendants "$1" | tr '\n' ' ')"
  for p in $family; do
    v=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)
    r=$(awk '/^VmRSS/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
    echo "  $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | cut -c1-50): RSS $(( r / 1024 )) MB, PSS $(( v / 1024 )) MB"
    pss_kb=$(( pss_kb + v ))
  done
  echo "  main process RSS: $(( $(awk '/^VmRSS/ {print $2}' "/proc/$1/status") / 1024 )) MB; all $(echo $family | wc -w) processes, PSS: $(( pss_kb / 1024 )) MB"
}

echo "==> memory at rest (10 s after the first screen, 2,000 students)"
sleep 10
memory "$app_pid"
stop_app

echo "==> baseline memory: the bare WebKitGTK window, 10 s after its first frame"
/usr/bin/python3 "$work/baseline.py" hold >/dev/null &
base_pid=$!
pids+=("$base_pid")
sleep 10
memory "$base_pid"
kill "$base_pid" 2>/dev/null || true
