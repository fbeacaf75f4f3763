#!/usr/bin/env bash
# The envoyd service of deploy/compose/docker-compose.etcd.yml, run on loopback without Docker:
# a real etcd, the compose seed script, then envoyd with the image's ENTRYPOINT flags and the
# compose file's `command:`, read through `docker-compose config`. Only what Docker would
# provide is rewritten: service names and ports (etcd -> 127.0.0.1:<free>, vcore -> localhost),
# image paths (/etc/envoyd -> deploy/envoy, /var/lib/envoyd -> a temp dir), the admin port, and
# Envoy (tests' fake_envoy; -envoy-admin is dropped since the double has no admin endpoint).
# Checks: envoyd renders the shipped v3 template from the seeded sample assignment, validates
# and starts epoch 0, turns ready, follows a new assignment written to etcd, and exits 0 on
# SIGTERM within the compose stop_grace_period.
#   usage: compose_envoyd_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
work=$(mktemp -d)
etcd_pid="" envoyd_pid=""
cleanup() {
  for p in $envoyd_pid $etcd_pid; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL $*"; [ ! -f "$work/envoyd.log" ] || tail -30 "$work/envoyd.log"; exit 1; }
wait_for() {  # wait_for SECONDS CMD...: poll every 0.1 s, bounded
  local end=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do [ "$SECONDS" -lt "$end" ] || return 1; sleep 0.1; done
}
[ -x "$build/src/apps/envoyd" ] || fail "envoyd is not built"
fake=$(find "$build/tests" -name fake_envoy -type f -perm -u+x | head -1)
[ -n "$fake" ] || fail "fake_envoy is not built (target fake_envoy)"
read -r cport pport aport < <(python3 -c 'import socket
s=[socket.socket() for _ in range(3)]
[x.bind(("127.0.0.1", 0)) for x in s]
print(*[x.getsockname()[1] for x in s])')

etcd --name t --data-dir "$work/etcd" \
  --listen-client-urls "http://127.0.0.1:$cport" --advertise-client-urls "http://127.0.0.1:$cport" \
  --listen-peer-urls "http://127.0.0.1:$pport" --initial-advertise-peer-urls "http://127.0.0.1:$pport" \
  --initial-cluster "t=http://127.0.0.1:$pport" >"$work/etcd.log" 2>&1 &
etcd_pid=$!
ctl() { ETCDCTL_API=3 etcdctl --endpoints "http://127.0.0.1:$cport" --dial-timeout 2s "$@"; }
wait_for 20 ctl endpoint health || fail "etcd did not start"
KV_URL="http://127.0.0.1:$cport" ASSIGNMENT_KEY=service/voltha/data/core/assignment \
  SEED_FILE="$src/deploy/envoy/assignment.sample.json" sh "$src/deploy/compose/seed-etcd.sh"

# The image's ENTRYPOINT flags, then the compose command, with Docker's parts rewritten.
mapfile -t args < <(docker-compose -f "$src/deploy/compose/docker-compose.etcd.yml" config \
  | /usr/bin/python3 -c '
import re, sys, yaml
doc = yaml.safe_load(sys.stdin)
df = open(sys.argv[1]).read()
entry = re.search(r"^ENTRYPOINT \[(.*)\]", df.split("FROM runtime AS envoyd")[1], re.M).group(1)
argv = [a.strip().strip("\"") for a in entry.split(",")][1:] + doc["services"]["envoyd"]["command"]
out, i = [], 0
rewrite = {"-kv-svc-name": "127.0.0.1", "-kv-port": sys.argv[2], "-vcore-svc-name": "localhost",
           "-admin": "127.0.0.1:" + sys.argv[3]}
while i < len(argv):
    a = argv[i]
    if a == "-envoy-admin":
        i += 2
        continue
    out.append(a)
    if a in rewrite:
        out.append(rewrite[a]); i += 2
        continue
    i += 1
for a in out:
    a = a.replace("/etc/envoyd/", sys.argv[4] + "/deploy/envoy/")
    a = a.replace("/var/lib/envoyd/", sys.argv[5] + "/")
    print(a)
' "$src/deploy/docker/Dockerfile" "$cport" "$aport" "$src" "$work")
printf '%s ' "${args[@]}" > "$work/args"
grep -q -- "-kv etcd " "$work/args" || fail "compose envoyd does not use -kv etcd: $(cat "$work/args")"
mkdir -p "$work/fake"
FAKE_ENVOY_STATE="$work/fake" "$build/src/apps/envoyd" "${args[@]}" -envoy-bin "$fake" \
  -epoch-grace 300ms >"$work/envoyd.log" 2>&1 &
envoyd_pid=$!
ready() { curl -fsS --max-time 1 "http://127.0.0.1:$aport/readyz"; }
wait_for 30 ready || fail "envoyd not ready with args: $(cat "$work/args")"
sh "$src/deploy/docker/healthcheck.sh" "http://127.0.0.1:$aport/healthz" \
  || fail "the image's healthcheck fails on envoyd's /healthz"
cfg="$work/voltha-grpc-proxy.json"
python3 - "$cfg" 172.29.19.4 172.29.19.5 <<'PY' || fail "rendered config: $(head -c 2000 "$cfg")"
import json, sys
c = json.load(open(sys.argv[1]))
rr = [cl for cl in c["static_resources"]["clusters"] if cl["name"] == "voltha_rr"][0]
hosts = sorted(e["endpoint"]["address"]["socket_address"]["address"]
               for l in rr["load_assignment"]["endpoints"] for e in l["lb_endpoints"])
assert hosts == sorted(sys.argv[2:]), hosts
ports = {e["endpoint"]["address"]["socket_address"]["port_value"]
         for l in rr["load_assignment"]["endpoints"] for e in l["lb_endpoints"]}
assert ports == {50556}, ports
PY
grep -q "restart-epoch	0" "$work/fake/argv.log" || fail "Envoy epoch 0 not started: $(cat "$work/fake/argv.log")"

# A new assignment from the "leader" reaches Envoy (a new epoch, after the -wait quiescence).
ctl put service/voltha/data/core/assignment '{"0007": {"id": "vcore7", "host": "172.29.19.7"}}' >/dev/null
has7() { grep -q 172.29.19.7 "$cfg" && grep -q "restart-epoch	1" "$work/fake/argv.log"; }
wait_for 30 has7 || fail "the new assignment was not applied"

kill -TERM "$envoyd_pid"
end=$((SECONDS + 20))
while kill -0 "$envoyd_pid" 2>/dev/null && [ "$SECONDS" -lt "$end" ]; do sleep 0.1; done
kill -0 "$envoyd_pid" 2>/dev/null && fail "envoyd still running 20 s (stop_grace_period) after SIGTERM"
rc=0; wait "$envoyd_pid" || rc=$?
envoyd_pid=""
[ "$rc" -eq 0 ] || fail "envoyd exited $rc after SIGTERM"
echo "compose envoyd (etcd): rendered, epoch 0 then 1, SIGTERM exit 0"
