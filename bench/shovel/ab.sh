#!/usr/bin/env bash
# A/B of two shovel binaries (or wrapper scripts that add flags): preload the mock cluster once,
# then drain the same topic with A and B alternately, ROUNDS times each, each run in a fresh
# consumer group into a counting sink. Whole-run CPU varies by +-10-15% between identical runs
# on a shared 2-core VM, so a change is judged by the run-by-run pairs, never by one run.
#   bench/shovel/ab.sh ROUNDS BIN_A BIN_B [shovel flags for both...]
# MSGS (200000) and PARTS (32) set the topic. Needs a release build in $BUILD (build/release).
# Rounds alternate which binary runs first. Prints per run: CPU seconds (user+sys), peak RSS,
# voluntary context switches, minor page faults, steady rate.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build/release}
ROUNDS=$1 A=$2 B=$3
shift 3
MSGS=${MSGS:-200000}
PARTS=${PARTS:-32}
TARGET=$((MSGS * 10))
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

"$BUILD/src/apps/kafka-mock" -t "bench:$PARTS" --bootstrap-file "$tmp/bs" >"$tmp/mock.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -s "$tmp/bs" ] && break; sleep 0.1; done
BS=$(cat "$tmp/bs")
"$BUILD/bench/shovel/bench_shovel_preload" "$BS" bench "$MSGS" 10 "$PARTS" >/dev/null

run() {
  local bin=$1
  shift
  rm -f "$tmp/port" "$tmp/sink.out"
  "$BUILD/bench/shovel/bench_shovel_sink" "$tmp/port" "$TARGET" 600 60 >"$tmp/sink.out" &
  local sink=$!
  for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.05; done
  /usr/bin/time -f "%U %S %M %w %R" -o "$tmp/time" "$bin" -K "$BS" -t bench \
    -H "127.0.0.1:$(cat "$tmp/port")" --group "ab-$$-$RANDOM" --from-beginning --log-level warn \
    "$@" >"$tmp/shovel.log" 2>&1 &
  local tp=$!
  for _ in $(seq 3000); do [ -s "$tmp/sink.out" ] && break; sleep 0.02; done
  pkill -TERM -P "$tp" 2>/dev/null || kill -TERM "$tp" 2>/dev/null || true
  wait "$tp" 2>/dev/null || true
  kill "$sink" 2>/dev/null || true
  wait "$sink" 2>/dev/null || true
  read -r points secs _ <"$tmp/sink.out"
  read -r user sys rss vcs faults < <(tail -1 "$tmp/time")
  python3 -c "print(f'cpu={$user + $sys:.2f}s rss={$rss / 1024:.1f}MiB vcs=$vcs faults=$faults rate={$points / $secs / 1e6:.2f}M/s')"
}

# The second run of a round was often cheaper whatever the binary (two identical binaries: 0.60
# against 0.53 s median, B lower in 5 of 5 rounds), so the order alternates: A first in odd
# rounds, B first in even ones. Each line still prints A, then B.
for i in $(seq "$ROUNDS"); do
  if ((i % 2)); then
    a=$(run "$A" "$@")
    b=$(run "$B" "$@")
  else
    b=$(run "$B" "$@")
    a=$(run "$A" "$@")
  fi
  echo "round $i  A $a  B $b"
done
