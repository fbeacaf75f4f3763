#!/bin/sh
# Writes /seed/assignment.json to $ASSIGNMENT_KEY in Consul ($KV_URL) unless the key exists.
# cas=0 makes Consul store the value only when the key is absent: a VOLTHA leader's value is
# never overwritten. Bounded: 30 attempts, 2 s apart.
set -eu
url="${KV_URL:?}/v1/kv/${ASSIGNMENT_KEY:?}?cas=0"
i=0
while [ "$i" -lt 30 ]; do
  if out=$(curl -fsS --max-time 5 -X PUT --data-binary @/seed/assignment.json "$url"); then
    echo "seed-consul: $ASSIGNMENT_KEY written=$out (false: it existed and was kept)"
    exit 0
  fi
  i=$((i + 1))
  sleep 2
done
echo "seed-consul: Consul at $KV_URL did not answer" >&2
exit 1
