#!/usr/bin/env bash
# The Grafana dashboard's queries against real data: kpi-publish and shovel run with the
# environment the compose file gives them (read through `docker-compose config`; only service
# addresses are rewritten to loopback, kpi-publish's interval shortened to 1 s with 6 rounds so
# that perSecond() has points, and a backlog command added: the "deferreds" panel is for a
# kpi-publish beside a VOLTHA core with --backlog-cmd, which the ensemble has no core for), into the librdkafka mock cluster (kafka-mock) and a real
# carbon-cache; then every target of deploy/grafana/dashboards/*.json (template variables as
# `*`) is rendered by a real graphite-web and must return a series with a non-null value.
#   usage: dashboard_live_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
apps=$build/src/apps
out=$(mktemp -d)
pids=()
# shellcheck source=../../scripts/lib/graphite.sh
. "$src/scripts/lib/graphite.sh"
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  graphite_web_stop "$out/web" 2>/dev/null || true
  graphite_carbon_stop "$out/carbon" 2>/dev/null || true
  rm -rf "$out"
}
trap cleanup EXIT
fail() { echo "FAIL $*"; for l in "$out"/*.log; do echo "== $l"; tail -15 "$l"; done; exit 1; }
wait_for() {  # wait_for SECONDS CMD...: poll every 0.2 s, bounded
  local end=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do [ "$SECONDS" -lt "$end" ] || return 1; sleep 0.2; done
}
for b in kafka-mock shovel kpi-publish; do [ -x "$apps/$b" ] || fail "$b is not built"; done

"$apps/kafka-mock" -t voltha.kpis:6 --bootstrap-file "$out/bootstrap" >"$out/kafka-mock.log" 2>&1 &
pids+=($!)
wait_for 20 test -s "$out/bootstrap" || fail "kafka-mock did not start"
bs=$(cat "$out/bootstrap")
line=$(graphite_free_port); pickle=$(graphite_free_port); query=$(graphite_free_port)
graphite_carbon_start "$out/carbon" "$line" "$pickle" "$query" >/dev/null || fail "carbon did not start"
web=$(graphite_free_port)
graphite_web_start "$out/web" "$out/carbon/storage/whisper" "$web" "$query" >/dev/null \
  || fail "graphite-web did not start"

# KEY=VALUE lines of a compose service's environment, addresses rewritten.
service_env() {
  docker-compose -f "$src/deploy/compose/docker-compose.yml" config | /usr/bin/python3 -c '
import sys, yaml
env = yaml.safe_load(sys.stdin)["services"][sys.argv[1]]["environment"]
for k, v in env.items():
    v = str(v).replace("kafka:9092", sys.argv[2]).replace("graphite:2004", "127.0.0.1:" + sys.argv[3])
    v = v.replace("0.0.0.0:", "127.0.0.1:")
    print(f"{k}={v}")
' "$1" "$bs" "$pickle"
}
mapfile -t shovel_env < <(service_env shovel)
mapfile -t kpi_env < <(service_env kpi-publish)
if [ "${#shovel_env[@]}" -le 3 ] || [ "${#kpi_env[@]}" -le 3 ]; then
  fail "no environment in the compose file"
fi
printf '%s\n' "${shovel_env[@]}" "${kpi_env[@]}" > "$out/env.txt"
grep -q "^KPI_PUBLISH_SIMULATE_DEVICES=" "$out/env.txt" || fail "compose kpi-publish simulates no devices"
sa=$(graphite_free_port); ka=$(graphite_free_port)
env "${shovel_env[@]}" SHOVEL_ADMIN="127.0.0.1:$sa" SHOVEL_GRACE=0.2 "$apps/shovel" >"$out/shovel.log" 2>&1 &
pids+=($!)
env "${kpi_env[@]}" KPI_PUBLISH_ADMIN="127.0.0.1:$ka" KPI_PUBLISH_INTERVAL=1 \
  KPI_PUBLISH_ITERATIONS=6 KPI_PUBLISH_BACKLOG_CMD="echo 7" "$apps/kpi-publish" >"$out/kpi-publish.log" 2>&1 &
kpid=$!
pids+=("$kpid")
hc="$src/deploy/docker/healthcheck.sh"
# kpi-publish lives about 6 s (6 rounds): check its /healthz now.
wait_for 5 sh "$hc" "http://127.0.0.1:$ka/healthz" || fail "healthcheck fails on kpi-publish's /healthz"

targets=$(/usr/bin/python3 - "$src" <<'PY'
import glob, json, re, sys
for f in glob.glob(sys.argv[1] + "/deploy/grafana/dashboards/*.json"):
    for p in json.load(open(f))["panels"]:
        for t in p.get("targets", []):
            print(re.sub(r"\$\w+", "*", t["target"]))
PY
)
[ -n "$targets" ] || fail "no dashboard targets"
has_data() {
  graphite_render_json "$web" "$1" -10min now | /usr/bin/python3 -c '
import json, sys
series = json.load(sys.stdin)
sys.exit(0 if any(v is not None for s in series for v, _ in s["datapoints"]) else 1)'
}
# The images' HEALTHCHECK command against the running daemons: 0 on /healthz, exactly 1 (Docker's
# "unhealthy") for a port where nothing listens.
wait_for 20 sh "$hc" "http://127.0.0.1:$sa/healthz" || fail "healthcheck fails on shovel's /healthz"
rc=0; sh "$hc" "http://127.0.0.1:$(graphite_free_port)/healthz" >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 1 ] || fail "healthcheck on a closed port exited $rc, not 1"
n=0
while IFS= read -r t; do
  wait_for 60 has_data "$t" || fail "dashboard target returns no data: $t"
  n=$((n + 1))
done <<<"$targets"
echo "dashboard: all $n targets return data from graphite-web"
