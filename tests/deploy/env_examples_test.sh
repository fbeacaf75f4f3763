#!/usr/bin/env bash
# The example environment files (deploy/config/*.env) and the units' own arguments are accepted
# by the built daemons:
# - shovel / kpi-publish: every variable, commented-out alternatives included, is one the
#   binary reads (its --help lists "Env:NAME"), and with the file's values in the environment
#   the only complaint is an extra argument we add on purpose (CLI11 validates the environment
#   before it reports extras), so no value is rejected;
# - envoyd: the unit's ExecStart flags plus ENVOYD_KV_OPTS/ENVOYD_OPTS (and every commented
#   alternative) parse (`-version` after them exits 0; a bad flag or value exits 2).
#   usage: env_examples_test.sh SOURCE_DIR BUILD_DIR
set -uo pipefail
src=$(cd "$1" && pwd)
apps=$(cd "$2" && pwd)/src/apps
fail=0
bad() { echo "FAIL $*"; fail=1; }

for d in shovel kpi-publish; do
  f="$src/deploy/config/$d.env"
  help=$("$apps/$d" --help)
  # NAME=VALUE lines, active or commented out (systemd EnvironmentFile syntax, no quotes used).
  while IFS= read -r name; do
    grep -q "Env:$name)" <<<"$help" || bad "$d.env: $name is not a variable of $d"
  done < <(sed -n 's/^#\{0,1\} *\([A-Z_][A-Z0-9_]*\)=.*/\1/p' "$f")
  # The environment of the unit: its Environment= lines, then the file (which overrides them).
  vars=()
  while IFS= read -r kv; do vars+=("$kv"); done < <(
    sed -n 's/^Environment=\(.*\)$/\1/p' "$src/deploy/systemd/$d.service"
    grep -E '^[A-Z_][A-Z0-9_]*=' "$f")
  out=$(env -i "${vars[@]}" "$apps/$d" --zz-extra-arg 2>&1)
  grep -q "not expected: --zz-extra-arg" <<<"$out" \
    || bad "$d with $d.env: expected only the extra-argument error, got: $out"
done

unit_args=$(sed -n 's|^ExecStart=/usr/bin/envoyd \(.*\)$|\1|p' "$src/deploy/systemd/envoyd.service" \
            | sed 's|%S|/var/lib|; s|\$ENVOYD_KV_OPTS||; s|\$ENVOYD_OPTS||')
[ -n "$unit_args" ] || bad "envoyd.service: no ExecStart=/usr/bin/envoyd"
n=0
while IFS= read -r line; do
  value=${line#*=}
  # shellcheck disable=SC2086  # systemd splits $VAR at whitespace in ExecStart; so do we
  out=$("$apps/envoyd" $unit_args $value -version 2>&1) || bad "envoyd rejects '$value': $out"
  n=$((n + 1))
done < <(sed -n 's/^#\{0,1\} *\(ENVOYD_[A-Z_]*_\{0,1\}OPTS=.*\)$/\1/p' "$src/deploy/config/envoyd.env")
[ "$n" -ge 4 ] || bad "envoyd.env: expected ENVOYD_KV_OPTS alternatives and ENVOYD_OPTS, found $n"
# The check can fail: a misspelt flag is refused.
# shellcheck disable=SC2086
"$apps/envoyd" $unit_args -kv-adress 127.0.0.1:1 -version >/dev/null 2>&1 && bad "envoyd accepted a misspelt flag"
[ "$fail" -eq 0 ] && echo "env examples: ok ($n envoyd argument lists)"
exit "$fail"
