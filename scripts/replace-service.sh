#!/usr/bin/env bash
# Rebuilds the image of ONE service and replaces that service's container in a running compose
# project, leaving every other container alone (no dependency restarts), then waits until the
# new container is healthy. The developer loop of the original's per-container rebuild scripts.
#
#   scripts/replace-service.sh [-f FILE] [-p PROJECT] [--no-build] [--timeout S] [--dry-run] SERVICE
#
#   -f FILE      compose file (default deploy/compose/docker-compose.yml)
#   -p PROJECT   compose project name (default: compose's own, i.e. COMPOSE_PROJECT_NAME or the
#                file's directory name, as used by `docker-compose up`)
#   --no-build   only recreate the container from the current image
#   --timeout S  bound on the wait for the new container (default 120 s)
#   --dry-run    print the commands instead of running them
# Uses `docker compose` (v2) when present, else `docker-compose`; $COMPOSE overrides both.
# Exit: 0 replaced and healthy (or running, without a healthcheck); 1 failure; 2 usage.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
file="$here/deploy/compose/docker-compose.yml"
project=""
build=1
timeout=120
dry=0
service=""
usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    -f) file=${2:?-f needs a file}; shift 2 ;;
    -p) project=${2:?-p needs a name}; shift 2 ;;
    --no-build) build=0; shift ;;
    --timeout) timeout=${2:?--timeout needs seconds}; shift 2 ;;
    --dry-run) dry=1; shift ;;
    -h|--help) usage ;;
    -*) echo "replace-service: unknown option $1" >&2; usage ;;
    *) [ -z "$service" ] || { echo "replace-service: one service only" >&2; exit 2; }
       service=$1; shift ;;
  esac
done
[ -n "$service" ] || usage
[ -f "$file" ] || { echo "replace-service: no compose file $file" >&2; exit 2; }
case "$timeout" in ''|*[!0-9]*) echo "replace-service: --timeout takes whole seconds" >&2; exit 2 ;; esac

if [ -n "${COMPOSE:-}" ]; then
  read -r -a compose <<<"$COMPOSE"
elif docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
else
  compose=(docker-compose)
fi
compose+=(-f "$file")
[ -z "$project" ] || compose+=(-p "$project")

run() {
  if [ "$dry" -eq 1 ]; then echo "+ $*"; else "$@"; fi
}

# The service must exist in this file, and have a build section unless --no-build.
services=$("${compose[@]}" config --services) || { echo "replace-service: $file is invalid" >&2; exit 1; }
if ! grep -qx -- "$service" <<<"$services"; then
  echo "replace-service: no service '$service' in $file; services: $(tr '\n' ' ' <<<"$services")" >&2
  exit 1
fi
if [ "$build" -eq 1 ] && ! "${compose[@]}" config | awk -v s="  $service:" '
    $0 == s {in_s = 1; next}
    in_s && /^  [^ ]/ {in_s = 0}
    in_s && /^    build:/ {found = 1}
    END {exit found ? 0 : 1}'; then
  echo "replace-service: '$service' has no build section (a third-party image); use --no-build" >&2
  exit 1
fi
# The project must be running: this script replaces, it does not bring an ensemble up.
if [ "$dry" -eq 0 ] && [ -z "$("${compose[@]}" ps -q 2>/dev/null)" ]; then
  echo "replace-service: the compose project is not running; start it with: ${compose[*]} up -d" >&2
  exit 1
fi

if [ "$build" -eq 1 ]; then
  run "${compose[@]}" build "$service"
fi
# --no-deps: dependencies are neither started nor recreated; only this container changes.
run "${compose[@]}" up -d --no-deps --force-recreate "$service"
[ "$dry" -eq 0 ] || exit 0

id=$("${compose[@]}" ps -q "$service" | sed -n 1p)
[ -n "$id" ] || { echo "replace-service: no container for $service after up" >&2; exit 1; }
deadline=$((SECONDS + timeout))
state=""
while [ "$SECONDS" -lt "$deadline" ]; do
  state=$(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$id" 2>/dev/null || echo gone)
  case "$state" in
    healthy|running) echo "replace-service: $service replaced ($state)"; exit 0 ;;
    unhealthy|exited|dead|gone) break ;;
  esac
  sleep 1
done
echo "replace-service: $service is '$state' after replacement; last log lines:" >&2
"${compose[@]}" logs --tail 30 "$service" >&2 || true
exit 1
