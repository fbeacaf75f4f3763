#!/usr/bin/env bash
# The README's main command end to end, with a short live phase: it must exit 0 and leave what
# it promises (a PNG from graphite-web, the rendered Envoy config, values read from whisper).
#   demo_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$1
bin=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
if ! DEMO_BIN="$bin/src/apps" DEMO_OUT="$out/demo" "$src/scripts/demo.sh" --seconds 3 \
  >"$out/demo.out" 2>&1; then
  tail -40 "$out/demo.out"
  echo "FAIL: scripts/demo.sh exited non-zero"
  exit 1
fi
fail() { tail -40 "$out/demo.out"; echo "FAIL: $*"; exit 1; }
[ "$(head -c 4 "$out/demo/dashboard.png" | tail -c 3)" = "PNG" ] || fail "no dashboard PNG"
[ -s "$out/demo/envoy/voltha-grpc-proxy.json" ] || fail "no rendered Envoy config"
grep -q "Dashboard PNG (graphite-web render):  $out/demo/dashboard.png" "$out/demo.out" ||
  fail "PNG path not printed"
grep -Eq "voltha\.internal\.demo-core\.rss-mb +[0-9]+ [0-9.]+" "$out/demo.out" ||
  fail "kpi-publish's own rss-mb not read back from whisper"
echo "PASS: demo ran end to end"
