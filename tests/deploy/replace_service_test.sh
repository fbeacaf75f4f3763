#!/usr/bin/env bash
# scripts/replace-service.sh against stub `docker` and `docker-compose` commands (no Docker
# engine here). The stub compose answers `config` with the real docker-compose (so the real
# files are read) and records every other call; `docker inspect` answers $STUB_HEALTH.
# Checks: exactly one build and one `up -d --no-deps --force-recreate` of the named service and
# no other service touched; a health wait that fails on `unhealthy`; refusals (unknown service,
# third-party image without --no-build, project not running) that build and recreate nothing.
set -euo pipefail
src=$(cd "$1" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
real=$(command -v docker-compose) || { echo "FAIL docker-compose not installed"; exit 1; }
mkdir -p "$work/bin"
cat > "$work/bin/docker-compose" <<STUB
#!/usr/bin/env bash
args=("\$@"); i=0
while [ \$i -lt \${#args[@]} ]; do
  case "\${args[\$i]}" in -f|-p) i=\$((i + 2)) ;; *) break ;; esac
done
sub="\${args[\$i]}"
case "\$sub" in
  config) exec "$real" "\$@" ;;
  ps) if [ "\${STUB_RUNNING:-1}" = 1 ]; then echo cafe0123; fi ;;
  *) echo "compose \$*" >> "$work/calls" ;;
esac
STUB
cat > "$work/bin/docker" <<STUB
#!/usr/bin/env bash
case "\$1" in
  compose) exit 1 ;;  # no v2 plugin: the script must fall back to docker-compose
  inspect) echo "\${STUB_HEALTH:-healthy}" ;;
  *) echo "docker \$*" >> "$work/calls" ;;
esac
STUB
chmod +x "$work/bin/docker-compose" "$work/bin/docker"
export PATH="$work/bin:$PATH"
unset COMPOSE
script="$src/scripts/replace-service.sh"
fail=0
bad() { echo "FAIL $*"; fail=1; }
calls() { cat "$work/calls" 2>/dev/null || true; }

# 1. the normal case, on the etcd file with a project name
: > "$work/calls"
if ! out=$("$script" -f "$src/deploy/compose/docker-compose.etcd.yml" -p vstest --timeout 5 shovel 2>&1); then
  bad "replace shovel failed: $out"
fi
want="compose -f $src/deploy/compose/docker-compose.etcd.yml -p vstest build shovel
compose -f $src/deploy/compose/docker-compose.etcd.yml -p vstest up -d --no-deps --force-recreate shovel"
[ "$(calls)" = "$want" ] || bad "calls were: $(calls)"
grep -q "shovel replaced (healthy)" <<<"$out" || bad "no success line: $out"

# 2. unhealthy after replacement: non-zero, and logs are shown
: > "$work/calls"
if STUB_HEALTH=unhealthy "$script" --timeout 5 envoyd >"$work/out" 2>&1; then
  bad "unhealthy envoyd reported success"
fi
grep -q "is 'unhealthy'" "$work/out" || bad "no unhealthy message: $(cat "$work/out")"
grep -q "logs --tail 30 envoyd" "$work/calls" || bad "logs not shown: $(calls)"

# 3. refusals touch nothing: unknown service, third-party image, project not running
refuse() {
  : > "$work/calls"
  if env "$@" >"$work/out" 2>&1; then bad "'$*' was not refused: $(cat "$work/out")"; fi
  if grep -E " (build|up) " "$work/calls" >/dev/null; then bad "'$*' built or recreated: $(calls)"; fi
}
refuse "$script" --timeout 5 nope
refuse "$script" --timeout 5 kafka
refuse STUB_RUNNING=0 "$script" --timeout 5 kpi-publish

# 4. --no-build recreates a third-party service without building
: > "$work/calls"
"$script" --no-build --timeout 5 kafka >/dev/null 2>&1 || bad "--no-build kafka failed"
[ "$(calls)" = "compose -f $src/deploy/compose/docker-compose.yml up -d --no-deps --force-recreate kafka" ] \
  || bad "--no-build calls were: $(calls)"

[ "$fail" -eq 0 ] && echo "replace-service: all cases passed"
exit "$fail"
