#!/usr/bin/env bash
# deploy/compose/seed-etcd.sh against a real etcd (Debian etcd-server) on free loopback ports:
# the first run writes assignment.sample.json to the key; a second run after a "leader" wrote
# another value keeps that value (the seed never overwrites). seed-consul.sh is not run here:
# there is no Consul binary on this machine (its cas=0 rule is documented Consul behaviour).
set -euo pipefail
src=$(cd "$1" && pwd)
work=$(mktemp -d)
pid=""
cleanup() { [ -z "$pid" ] || { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; }; rm -rf "$work"; }
trap cleanup EXIT
read -r cport pport < <(python3 -c 'import socket
s=[socket.socket() for _ in range(2)]
[x.bind(("127.0.0.1", 0)) for x in s]
print(*[x.getsockname()[1] for x in s])')
etcd --name seedtest --data-dir "$work/data" \
  --listen-client-urls "http://127.0.0.1:$cport" --advertise-client-urls "http://127.0.0.1:$cport" \
  --listen-peer-urls "http://127.0.0.1:$pport" --initial-advertise-peer-urls "http://127.0.0.1:$pport" \
  --initial-cluster "seedtest=http://127.0.0.1:$pport" >"$work/etcd.log" 2>&1 &
pid=$!
ctl() { ETCDCTL_API=3 etcdctl --endpoints "http://127.0.0.1:$cport" --dial-timeout 2s "$@"; }
for _ in $(seq 1 100); do ctl endpoint health >/dev/null 2>&1 && break; sleep 0.1; done
ctl endpoint health >/dev/null 2>&1 || { cat "$work/etcd.log"; echo "FAIL etcd did not start"; exit 1; }

key=service/voltha/data/core/assignment
sample="$src/deploy/envoy/assignment.sample.json"
export KV_URL="http://127.0.0.1:$cport" ASSIGNMENT_KEY=$key SEED_FILE=$sample
out=$(sh "$src/deploy/compose/seed-etcd.sh")
echo "$out"
[ "$(ctl get --print-value-only "$key")" = "$(cat "$sample")" ] || { echo "FAIL value not seeded"; exit 1; }
grep -q "written" <<<"$out" || { echo "FAIL no 'written' line"; exit 1; }
ctl put "$key" '{"0001": {"id": "leader", "host": "10.0.0.9"}}' >/dev/null
out=$(sh "$src/deploy/compose/seed-etcd.sh")
echo "$out"
grep -q "exists, kept" <<<"$out" || { echo "FAIL second run did not report the existing key"; exit 1; }
[ "$(ctl get --print-value-only "$key")" = '{"0001": {"id": "leader", "host": "10.0.0.9"}}' ] \
  || { echo "FAIL the seed overwrote the leader's value"; exit 1; }
echo "seed-etcd: ok"
