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
#        BENCH_RUNS: starts per figure (5). BENCH_COMPARE=OTHER.deb: the same figures for
#        another package (an earlier release) in the same run, its starts interleaved with
#        this one's on the same data (one after the other, the order swapped each round), so
#        both meet the same machine load; the differences are reported per round.
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
# The packages measured: this one ("new") and, with BENCH_COMPARE, the other ("old").
labels=(new)
bins=("$bin")
if [ -n "${BENCH_COMPARE:-}" ]; then
  [ -f "$BENCH_COMPARE" ] || { echo "BENCH_COMPARE=$BENCH_COMPARE is not a file" >&2; exit 1; }
  dpkg-deb -x "$BENCH_COMPARE" "$work/old"
  labels=(old new)
  bins=("$work/old/usr/bin/rollbook-app" "$bin")
  echo "comparing: old $BENCH_COMPARE, new $deb"
fi
num=$(( 300 + RANDOM % 100 ))
Xvfb ":$num" -screen 0 1280x800x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -S "/tmp/.X11-unix/X$num" ] && break; sleep 0.1; done
export DISPLAY=":$num"

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }

# Starts the app (binary $2, else this package's) on $1 (data folder) and waits for its
# first screen: sets $took (ms) and leaves the app running with its pid in $app_pid.
app_pid=""
took=0
start_app() {
  local data=$1 exe=${2:-$bin} t0 line=""
  t0=$(now_ms)
  ROLLBOOK_DATA_DIR="$data" "$exe" >"$work/app.out" 2>&1 &
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
for k in "${!bins[@]}"; do
  start_app "$work/fresh-${labels[$k]}" "${bins[$k]}"
  stop_app
  echo "${labels[$k]}: $took ms"
done

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

echo "==> Rollbook with 2,000 students, start to first screen ($runs runs each)"
declare -A times=()
for i in $(seq "$runs"); do
  order=("${!bins[@]}")
  # Interleaved: the order swaps each round, so neither package always starts first.
  if [ $(( i % 2 )) -eq 0 ] && [ "${#bins[@]}" -eq 2 ]; then order=(1 0); fi
  for k in "${order[@]}"; do
    rm -f "$data"/logs/rollbook*.log
    start_app "$data" "${bins[$k]}"
    times[$k]="${times[$k]:-} $took"
    # The start-up timeline of this package's last start (where the time goes).
    if [ "$i" -eq "$runs" ]; then
      { grep -h 'start-up:\|first screen interactive' "$data"/logs/rollbook*.log || true; } \
        | sed -e 's/^.*INFO [^ ]* /    /' -e "s/^ */    ${labels[$k]}: /" >&2
    fi
    stop_app
  done
done
for k in "${!bins[@]}"; do
  echo "${labels[$k]}: runs:${times[$k]} ms; median $(printf '%s\n' ${times[$k]} | median) ms"
done
if [ "${#bins[@]}" -eq 2 ]; then
  read -ra old_t <<<"${times[0]}"
  read -ra new_t <<<"${times[1]}"
  diffs=()
  for j in "${!old_t[@]}"; do diffs+=($(( new_t[j] - old_t[j] ))); done
  echo "new - old, round by round: ${diffs[*]} ms; median $(printf '%s\n' "${diffs[@]}" | median) ms"
fi

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
for k in "${!bins[@]}"; do
  rm -f "$data"/logs/rollbook*.log
  start_app "$data" "${bins[$k]}"
  sleep 10
  echo "${labels[$k]}:"
  memory "$app_pid"
  stop_app
done

echo "==> baseline memory: the bare WebKitGTK window, 10 s after its first frame"
/usr/bin/python3 "$work/baseline.py" hold >/dev/null &
base_pid=$!
pids+=("$base_pid")
sleep 10
memory "$base_pid"
kill "$base_pid" 2>/dev/null || true
