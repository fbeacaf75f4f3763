#!/usr/bin/env bash
# What bounds shovel's datapoints per CPU-second: a consumer with shovel's librdkafka settings
# that only consumes (none), also parses with shovel's parser (parse), or also encodes pickle
# frames (encode), on a fresh preloaded topic (200,000 messages x 10 datapoints, 32 partitions).
#   bench/shovel/floor.sh none|parse|encode [librdkafka key=value ...]
# PIN=N runs the consumer on CPU N only. Needs a release build in $BUILD (build/release).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build/release}
tmp=$(mktemp -d)
mock=""
cleanup() { [ -n "$mock" ] && kill "$mock" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
"$BUILD/src/apps/kafka-mock" -t bench:32 --bootstrap-file "$tmp/bs" >"$tmp/mock.log" 2>&1 &
mock=$!
for _ in $(seq 100); do [ -s "$tmp/bs" ] && break; sleep 0.1; done
"$BUILD/bench/shovel/bench_shovel_preload" "$(cat "$tmp/bs")" bench 200000 10 32 >/dev/null
pin=()
if [ -n "${PIN:-}" ]; then pin=(taskset -c "$PIN"); fi
timeout 120 "${pin[@]}" "$BUILD/bench/shovel/bench_shovel_floor" "$(cat "$tmp/bs")" bench 200000 "$@"
