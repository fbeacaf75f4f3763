#!/usr/bin/env bash
# Exercises scripts/lib/graphite.sh end to end in DIR (argv[1]): carbon up on free ports, lines
# in, read back, graphite-web up, a PNG rendered to DIR/render.png, everything stopped.
# Prints "latest <ts> <value>" and "metrics <list>"; exits non-zero on the first failure.
set -euo pipefail
dir=$1
# shellcheck source=../../scripts/lib/graphite.sh
. "$(dirname "$0")/../../scripts/lib/graphite.sh"
cleanup() {
  graphite_web_stop "$dir/web" || true
  graphite_carbon_stop "$dir/carbon" || true
}
trap cleanup EXIT
line=$(graphite_free_port)
pickle=$(graphite_free_port)
query=$(graphite_free_port)
web=$(graphite_free_port)
graphite_carbon_start "$dir/carbon" "$line" "$pickle" "$query"
now=$(date +%s)
{
  for i in $(seq 0 119); do
    echo "vs.sh.test.wave $(((i % 20) * 5)) $((now - 120 + i))"
  done
  echo "vs.sh.test.old 2.5 1700000000"
} >"/dev/tcp/127.0.0.1/$line"
for _ in $(seq 1 300); do
  [ "$(graphite_series "$dir/carbon/storage/whisper" vs.sh.test.wave 2>/dev/null | wc -l)" -ge 120 ] && break
  sleep 0.2
done
echo "count $(graphite_series "$dir/carbon/storage/whisper" vs.sh.test.wave | wc -l)"
echo "latest $(graphite_latest "$dir/carbon/storage/whisper" vs.sh.test.wave)"
for _ in $(seq 1 300); do
  graphite_latest "$dir/carbon/storage/whisper" vs.sh.test.old >/dev/null 2>&1 && break
  sleep 0.2
done
echo "old $(graphite_latest "$dir/carbon/storage/whisper" vs.sh.test.old)"
echo "metrics $(graphite_list_metrics "$dir/carbon/storage/whisper" | tr '\n' ' ')"
graphite_web_start "$dir/web" "$dir/carbon/storage/whisper" "$web" "$query"
graphite_render_png "$web" vs.sh.test.wave $((now - 130)) "$now" "$dir/render.png"
echo "json $(graphite_render_json "$web" vs.sh.test.wave $((now - 2)) $((now - 1)))"
cleanup
trap - EXIT
for f in "$dir/carbon/carbon.pid" "$dir/web/graphite-web.pid"; do
  [ ! -e "$f" ] || { echo "$f left behind" >&2; exit 1; }
done
_graphite_port_open "$line" && { echo "carbon still listening" >&2; exit 1; }
_graphite_port_open "$web" && { echo "graphite-web still listening" >&2; exit 1; }
echo "all stopped"
