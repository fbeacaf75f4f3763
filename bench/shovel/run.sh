#!/usr/bin/env bash
# End-to-end shovel benchmark (issue 2): preload the mock cluster with MESSAGES seed-shape
# messages of 10 datapoints, then in the same run drain it with
#   1. our shovel (C++), 2. the original Python shovel (../shared/baseline), 3. kcat -C -e,
# each into a counting pickle sink (kcat into /dev/null), and report datapoints/s, datapoints
# per CPU-second and peak RSS of each consumer process.
#   bench/shovel/run.sh [MESSAGES=200000] [PARTITIONS=32]
# Needs a release build in $BUILD (default build/release). SKIP_BASELINE=1 skips the Python run
# (for the 10x backlog memory check, where it would take minutes). PIN=N runs every consumer on
# CPU N only (shovel with --cpus N, the others under taskset -c N); the sink and the broker stay
# unpinned. SINK_LINGER=0 makes the sink close at the target (carbon vanishing under shovel:
# it rewinds and holds frames, the worst case for its memory).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build/release}
MSGS=${1:-200000}
PARTS=${2:-32}
PER=10
TARGET=$((MSGS * PER))
BASELINE=${BASELINE:-../shared/baseline/shovel_py3.py}
pin=() shovel_pin=()
if [ -n "${PIN:-}" ]; then pin=(taskset -c "$PIN"); shovel_pin=(--cpus "$PIN"); fi
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

"$BUILD/src/apps/kafka-mock" -t "bench:$PARTS" --bootstrap-file "$tmp/bootstrap" >"$tmp/mock.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -s "$tmp/bootstrap" ] && break; sleep 0.1; done
BS=$(cat "$tmp/bootstrap")
t0=$(date +%s.%N)
"$BUILD/bench/shovel/bench_shovel_preload" "$BS" bench "$MSGS" "$PER" "$PARTS"
python3 -c "import time; print(f\"preload: {time.time() - $t0:.1f} s\")"

# run_consumer NAME CMD... : CMD contains @PORT@; prints one result line.
run_consumer() {
  local name=$1; shift
  rm -f "$tmp/port"
  rm -f "$tmp/sink.out"
  # The sink reports at the target and lingers until the consumer has stopped, so the
  # consumer ends normally (SIGTERM: deliver, commit, leave) rather than losing its carbon.
  "$BUILD/bench/shovel/bench_shovel_sink" "$tmp/port" "$TARGET" 600 "${SINK_LINGER:-60}" >"$tmp/sink.out" &
  local sink=$!
  for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.05; done
  local port; port=$(cat "$tmp/port")
  local cmd=("${@//@PORT@/$port}")
  /usr/bin/time -f "%e %U %S %M %R %w %c" -o "$tmp/time" "${cmd[@]}" >"$tmp/$name.log" 2>&1 &
  local tpid=$!
  while [ ! -s "$tmp/sink.out" ] && kill -0 "$sink" 2>/dev/null; do sleep 0.02; done
  [ -s "$tmp/sink.out" ] && [ "$(cut -d' ' -f1 "$tmp/sink.out")" -ge "$TARGET" ] ||
    { echo "$name: sink did not receive $TARGET datapoints"; cat "$tmp/sink.out"; tail "$tmp/$name.log"; }
  pkill -TERM -P "$tpid" 2>/dev/null || true
  wait "$tpid" 2>/dev/null || true
  kill "$sink" 2>/dev/null || true
  wait "$sink" 2>/dev/null || true
  read -r points secs frames <"$tmp/sink.out"
  read -r wall user sys rss_kb faults vcs ics < <(tail -1 "$tmp/time")
  python3 - "$name" "$points" "$secs" "$user" "$sys" "$rss_kb" "$wall" "$frames" <<'PY'
import sys
name, points, secs, user, sys_, rss, wall, frames = sys.argv[1:]
points=int(points); secs=float(secs); cpu=float(user)+float(sys_)
print(f"{name:10s} datapoints={points} steady_rate={points/secs/1e6:.2f}M/s "
      f"cpu={cpu:.2f}s per_cpu_s={points/cpu/1e6:.2f}M peak_rss={int(rss)/1024:.1f}MiB wall={float(wall):.1f}s")
PY
  if [ -n "${VERBOSE:-}" ]; then
    echo "           user=${user}s sys=${sys}s minor_faults=$faults voluntary_cs=$vcs involuntary_cs=$ics sink_frames=$frames"
  fi
}

run_consumer shovel "$BUILD/src/apps/shovel" -K "$BS" -t bench -H "127.0.0.1:@PORT@" \
  --group "bench-$$" --from-beginning --log-level warn "${shovel_pin[@]}"
if [ -f "$BASELINE" ] && [ -z "${SKIP_BASELINE:-}" ]; then
  run_consumer python "${pin[@]}" /usr/bin/python3 "$BASELINE" -e -K "$BS" -t bench -H 127.0.0.1 -p @PORT@
fi
/usr/bin/time -f "%e %U %S %M" -o "$tmp/time" "${pin[@]}" kcat -C -b "$BS" -t bench -o beginning -e -q \
  -f '%s\n' >/dev/null 2>"$tmp/kcat.log"
read -r wall user sys rss_kb < <(tail -1 "$tmp/time")
python3 -c "
w,u,s,r=$wall,$user,$sys,$rss_kb; p=$TARGET; c=max(u+s,0.01)
print(f'kcat       datapoints={p} rate={p/w/1e6:.2f}M/s (whole run incl. start) cpu={u+s:.2f}s per_cpu_s={p/c/1e6:.2f}M peak_rss={r/1024:.1f}MiB')"
