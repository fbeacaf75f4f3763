#!/bin/sh
# Writes /seed/assignment.json to $ASSIGNMENT_KEY in etcd ($KV_URL, the v3 JSON gateway) unless
# the key exists: one transaction whose compare is "create_revision == 0" (key absent), so a
# VOLTHA leader's value is never overwritten. Bounded: 30 attempts, 2 s apart.
set -eu
key=$(printf '%s' "${ASSIGNMENT_KEY:?}" | base64 | tr -d '\n')
value=$(base64 < "${SEED_FILE:-/seed/assignment.json}" | tr -d '\n')
body=$(printf '{"compare":[{"key":"%s","target":"CREATE","result":"EQUAL","create_revision":"0"}],"success":[{"request_put":{"key":"%s","value":"%s"}}]}' "$key" "$key" "$value")
i=0
while [ "$i" -lt 30 ]; do
  if out=$(curl -fsS --max-time 5 -X POST --data-binary "$body" "${KV_URL:?}/v3/kv/txn"); then
    case "$out" in
      *'"succeeded":true'*) echo "seed-etcd: $ASSIGNMENT_KEY written" ;;
      *) echo "seed-etcd: $ASSIGNMENT_KEY exists, kept" ;;
    esac
    exit 0
  fi
  i=$((i + 1))
  sleep 2
done
echo "seed-etcd: etcd at $KV_URL did not answer" >&2
exit 1
