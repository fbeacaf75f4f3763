#!/usr/bin/env bash
# End-to-end latency (issue 5): produce RATE datapoints/s for SECONDS into the mock cluster,
# shovel (default settings) delivers them to a pickle receiver that measures produce->arrival.
#   bench/shovel/latency.sh [RATE=10000] [SECONDS=20]
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build/release}
RATE=${1:-10000}
SECS=${2:-20}
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
"$BUILD/src/apps/kafka-mock" -t "lat:4" --bootstrap-file "$tmp/bootstrap" >"$tmp/mock.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -s "$tmp/bootstrap" ] && break; sleep 0.1; done
BS=$(cat "$tmp/bootstrap")
"$BUILD/bench/shovel/bench_shovel_latency" "$BS" lat "$tmp/port" "$RATE" "$SECS" &
lat=$!
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.05; done
# The tool produces only 6 s after shovel connected to it, when the group join (3 s) is done.
"$BUILD/src/apps/shovel" -K "$BS" -t lat -H "127.0.0.1:$(cat "$tmp/port")" --from-beginning \
  --log-level warn ${SHOVEL_ARGS:-} >"$tmp/shovel.log" 2>&1 &
pids+=($!)
wait "$lat"
