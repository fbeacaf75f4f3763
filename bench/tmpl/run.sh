#!/usr/bin/env bash
# Side-by-side benchmark of vs::tmpl and Go's text/template on the same inputs:
#   1. parse and execute: the VOLTHA-style template with 10,000 cores and a 1 MiB template of
#      small actions (Google Benchmark for ours, testing.Benchmark for Go's);
#   2. the whole process `envoyd render` (our RenderCommand in tmpl_render_bench) against a Go
#      program doing JSON decode + parse + render, 100,000 cores, CPU time from /usr/bin/time
#      (mean of 10 runs), outputs compared byte for byte.
# Usage: bench/tmpl/run.sh [BUILD_DIR]   (default build/tmpl-bench; configured here if missing)
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-$SRC/build/tmpl-bench}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

if [ ! -f "$BUILD/build.ninja" ]; then
  cmake -S "$SRC" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DVS_BUILD_BENCH=ON \
    -DVS_BUILD_TESTS=OFF -DVS_COMPONENTS="common;tmpl" >/dev/null
fi
ninja -C "$BUILD" -j2 tmpl_bench tmpl_render_bench >/dev/null
export GOCACHE="$BUILD/gocache" GOPATH="$BUILD/gopath" GO111MODULE=off GOPROXY=off GOFLAGS= \
  CGO_ENABLED=0
go build -o "$BUILD/tmplbench" "$SRC/bench/tmpl/go/bench.go"
"$BUILD/tmplbench" -gen "$WORK"

echo "== machine: $(nproc) cores; $(lscpu | grep 'Model name' | sed 's/ \+/ /g'); $(go version)"
echo "== ours: vs::tmpl (Google Benchmark)"
VS_SOURCE_DIR="$SRC" VS_TMPL_BENCH_DIR="$WORK" "$BUILD/bench/tmpl/tmpl_bench" --benchmark_min_time=1
echo "== Go text/template (timing loops, wall and process CPU per run)"
"$BUILD/tmplbench" -bench "$WORK"

echo "== whole process, 100,000 cores: CPU seconds (user+sys) per run, mean of 10 runs"
# 10 runs under one /usr/bin/time (its resolution is 10 ms), children's CPU included.
per_run() {  # per_run OUT CMD...
  local out=$1
  shift
  /usr/bin/time -f "%U %S %M" -o "$WORK/time" \
    bash -c 'out=$1; shift; for _ in 1 2 3 4 5 6 7 8 9 10; do "$@" >"$out"; done' _ "$out" "$@"
  read -r u s m <"$WORK/time"
  echo "$(echo "scale=4; ($u + $s) / 10" | bc -l) s, max RSS ${m} KiB, $(stat -c %s "$out") bytes out"
}
echo "ours: $(per_run "$WORK/ours.out" "$BUILD/bench/tmpl/tmpl_render_bench" "$WORK/voltha.tmpl" "$WORK/voltha100k.json")"
echo "go:   $(per_run "$WORK/go.out" "$BUILD/tmplbench" "$WORK/voltha.tmpl" "$WORK/voltha100k.json")"
if cmp -s "$WORK/ours.out" "$WORK/go.out"; then
  echo "outputs identical"
else
  echo "OUTPUTS DIFFER" && exit 1
fi
