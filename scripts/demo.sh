#!/usr/bin/env bash
# The main job end to end on this machine, loopback only: an embedded Kafka (librdkafka's mock
# cluster), a real carbon-cache and graphite-web, shovel between them, kpi-publish (its own
# diagnostics, host metrics and 20 simulated OLTs) and 30 minutes of sample history in every
# message shape. Shows the latest values read back from whisper and a PNG rendered by
# graphite-web, then stops everything it started.
#   scripts/demo.sh [--seconds N]   (live phase length, default 20)
# Output (logs, whisper files, PNG) goes to $DEMO_OUT (default ./demo-out). DEMO_BIN=DIR uses
# the daemons in DIR instead of installing packages and building (tests/deploy/demo_test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
LIVE=20
[ "${1:-}" = "--seconds" ] && LIVE=${2:-20}

if [ -n "${DEMO_BIN:-}" ]; then
  BIN=$DEMO_BIN  # already built daemons (the test suite's demo check): no install, no build
else
  scripts/install-deps.sh
  echo "== building (release preset)"
  cmake --preset release >/dev/null
  cmake --build --preset release --target shovel kafka-mock kpi-publish envoyd >/dev/null
  BIN=$ROOT/build/release/src/apps
fi

OUT=${DEMO_OUT:-$ROOT/demo-out}
rm -rf "$OUT"
mkdir -p "$OUT"
# shellcheck source=lib/graphite.sh
. scripts/lib/graphite.sh

pids=()
cleanup() {
  set +e
  echo "== stopping everything the demo started"
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
  graphite_web_stop "$OUT/graphite-web" 2>/dev/null
  graphite_carbon_stop "$OUT/carbon" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM

metric() {  # metric PORT NAME -> sum over label sets, from /metrics
  curl -s "http://127.0.0.1:$1/metrics" | awk -v n="$2" '$1 == n || index($1, n "{") == 1 {s += $2} END {print s + 0}'
}
wait_until() {  # wait_until SECONDS CMD...
  local end=$((SECONDS + $1)); shift
  until "$@"; do [ $SECONDS -ge $end ] && return 1; sleep 0.5; done
}

echo "== starting Kafka (librdkafka mock cluster)"
"$BIN/kafka-mock" -t voltha.kpis:8 -t voltha.kpis.dead:1 --bootstrap-file "$OUT/bootstrap" \
  >"$OUT/kafka-mock.log" 2>&1 &
pids+=($!)
wait_until 10 test -s "$OUT/bootstrap"
BS=$(cat "$OUT/bootstrap")
echo "   bootstrap $BS"

echo "== starting carbon-cache and graphite-web"
LINE=$(graphite_free_port); PICKLE=$(graphite_free_port); QUERY=$(graphite_free_port)
graphite_carbon_start "$OUT/carbon" "$LINE" "$PICKLE" "$QUERY" "5s:2d"
WEB=$(graphite_free_port)
graphite_web_start "$OUT/graphite-web" "$OUT/carbon/storage/whisper" "$WEB" "$QUERY"
echo "   carbon pickle 127.0.0.1:$PICKLE, graphite-web http://127.0.0.1:$WEB"

echo "== starting shovel"
SHOVEL_ADMIN=$(graphite_free_port)
"$BIN/shovel" -K "$BS" -t voltha.kpis -H "127.0.0.1:$PICKLE" --from-beginning \
  --dead-letter-topic voltha.kpis.dead --admin "127.0.0.1:$SHOVEL_ADMIN" --stats-interval 5 \
  >"$OUT/shovel.log" 2>&1 &
pids+=($!)

echo "== publishing 30 minutes of sample KPIs in all shapes (+ 2 malformed messages)"
/usr/bin/python3 scripts/lib/sample_kpis.py 30 >"$OUT/samples.jsonl"
printf '%s\n' '{"type":"slice","ts":NaN,"data":{}}' 'not json at all {' >>"$OUT/samples.jsonl"
kcat -P -b "$BS" -t voltha.kpis -l "$OUT/samples.jsonl"
SAMPLE_POINTS=$(( ($(wc -l <"$OUT/samples.jsonl") - 2) / 5 * 9 ))

echo "== starting kpi-publish (itself + host + 20 simulated OLTs, every 5 s)"
KPI_ADMIN=$(graphite_free_port)
"$BIN/kpi-publish" -K "$BS" --interval 5 --instance-id demo-core --simulate-devices 20 \
  --admin "127.0.0.1:$KPI_ADMIN" >"$OUT/kpi-publish.log" 2>&1 &
pids+=($!)

echo "== starting envoyd (file store, -mode none) on the shipped v3 template"
mkdir -p "$OUT/envoy"
cp deploy/envoy/assignment.sample.json "$OUT/envoy/assignment.json"
CFG=$OUT/envoy/voltha-grpc-proxy.json
ENVOYD_ADMIN=$(graphite_free_port)
"$BIN/envoyd" -kv file -kv-file "$OUT/envoy/assignment.json" -mode none \
  -envoy-cfg-template deploy/envoy/voltha-grpc-proxy.template.json -envoy-config "$CFG" \
  -vcore-svc-name 127.0.0.1 -validate-cmd "" -admin "127.0.0.1:$ENVOYD_ADMIN" \
  >"$OUT/envoyd.log" 2>&1 &
pids+=($!)
wait_until 30 test -s "$CFG" || { echo "envoyd wrote no config; see $OUT/envoyd.log"; exit 1; }
cp "$CFG" "$OUT/envoy/config.before.json"
echo "   the VOLTHA leader assigns a third core (slot 0003), written atomically"
cat >"$OUT/envoy/assignment.json.tmp" <<'JSON'
{"0001": {"id": "vcore_vcore.1.q3l0", "host": "172.29.19.4"},
 "0002": {"id": "vcore_vcore.2.8m8v", "host": "172.29.19.5"},
 "0003": {"id": "vcore_vcore.3.x7k2", "host": "172.29.19.6"}}
JSON
mv "$OUT/envoy/assignment.json.tmp" "$OUT/envoy/assignment.json"
config_changed() { ! cmp -s "$CFG" "$OUT/envoy/config.before.json"; }
wait_until 30 config_changed || { echo "envoyd did not re-render; see $OUT/envoyd.log"; exit 1; }
echo "   diff of the rendered Envoy config:"
diff -u "$OUT/envoy/config.before.json" "$CFG" | sed 's/^/     /' || true

echo "== waiting for shovel to deliver the history ($SAMPLE_POINTS datapoints)"
history_delivered() {
  [ "$(metric "$SHOVEL_ADMIN" shovel_datapoints_delivered_total)" -ge "$SAMPLE_POINTS" ]
}
wait_until 90 history_delivered ||
  { echo "shovel did not deliver in time; see $OUT/shovel.log"; exit 1; }
echo "== live for $LIVE s"
sleep "$LIVE"

echo "== shovel /metrics (excerpt)"
curl -s "http://127.0.0.1:$SHOVEL_ADMIN/metrics" | grep -E '^shovel_(messages_consumed|datapoints_delivered|messages_rejected|carbon_connected|consumer_lag)' | sed 's/^/   /'
echo "== latest values read back from whisper"
W=$OUT/carbon/storage/whisper
for m in voltha.internal.vcore1.rss-mb voltha.olt.olt1.pon0.rx_bytes Ethernet.onu1.1.tx_packets \
         voltha.host.load1 voltha.internal.demo-core.rss-mb; do
  printf '   %-45s %s\n' "$m" "$(graphite_latest "$W" "$m" 2>/dev/null || echo '(none)')"
done
echo "   $(graphite_list_metrics "$W" | wc -l) series in whisper, e.g.:"
# sed reads to the end: `head` would exit early, SIGPIPE the writers, and with pipefail end
# the demo here (seen with ~1000 series).
graphite_list_metrics "$W" | grep -E 'olt|PON|pon' | sed -n '1,4s/^/     /p'

NOW=$(date +%s)
PNG=$OUT/dashboard.png
curl -fsS --max-time 60 -o "$PNG" -G "http://127.0.0.1:$WEB/render" \
  --data-urlencode "target=alias(keepLastValue(voltha.internal.vcore1.rss-mb),'vcore1 rss-mb')" \
  --data-urlencode "target=aliasByNode(keepLastValue(Ethernet.onu*.1.tx_packets),1,3)" \
  --data-urlencode "target=alias(secondYAxis(keepLastValue(voltha.olt.olt1.pon0.rx_bytes)),'pon0 rx_bytes')" \
  --data-urlencode "target=alias(secondYAxis(sumSeries(perSecond(PON.*.*.tx_packets))),'20 simulated OLTs: PON tx packets/s')" \
  --data "from=$((NOW - 1900))" --data "until=$NOW" --data "width=1000" --data "height=500" \
  --data-urlencode "title=voltha-sidecars demo: KPIs through Kafka -> shovel -> carbon"
[ "$(head -c 4 "$PNG" | tail -c 3)" = "PNG" ] || { echo "render did not return a PNG"; exit 1; }
echo
echo "Dashboard PNG (graphite-web render):  $PNG"
echo "Rendered Envoy config (envoyd):       $CFG (previous: $OUT/envoy/config.before.json)"
echo "Logs:                                 $OUT/*.log"
echo "Whisper files:                        $W"
