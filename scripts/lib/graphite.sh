# shellcheck shell=bash
# Bash functions to run a real carbon-cache and graphite-web on loopback, for the demo and for
# manual runs. Source it: `. scripts/lib/graphite.sh`. Every function returns non-zero with a
# message on stderr when something does not come up in time; none of them exits the caller.
# Each started process's pid is kept in a file in its directory; the stop functions end only
# that pid. The carbon.conf written here matches tests/test_common/carbon.cc (keep in step).
#
#   graphite_free_port                          -> prints a free 127.0.0.1 TCP port
#   graphite_carbon_start DIR LINE PICKLE QUERY [RETENTIONS]   (default 1s:10y)
#   graphite_carbon_stop DIR
#   graphite_web_start WEB_DIR WHISPER_DIR PORT [CARBON_QUERY_PORT]
#   graphite_web_stop WEB_DIR
#   graphite_render_png PORT TARGET FROM UNTIL OUT.png [WIDTH HEIGHT]
#   graphite_render_json PORT TARGET FROM UNTIL  -> prints the JSON
#   graphite_list_metrics WHISPER_DIR           -> one metric path per line
#   graphite_latest WHISPER_DIR PATH            -> "timestamp value" of the newest point
#   graphite_series WHISPER_DIR PATH            -> every point, "timestamp value" per line

GRAPHITE_PY=/usr/bin/python3   # Debian's python, where carbon, whisper and graphite-web live
GRAPHITE_WAIT_SECS=${GRAPHITE_WAIT_SECS:-60}

graphite_free_port() {
  "$GRAPHITE_PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# _graphite_port_open PORT: true when something accepts on 127.0.0.1:PORT.
_graphite_port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# _graphite_wait SECONDS PID CMD...: polls CMD every 0.2 s while PID lives, for at most SECONDS.
_graphite_wait() {
  local secs=$1 pid=$2 i
  shift 2
  for ((i = 0; i < secs * 5; i++)); do
    "$@" && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.2
  done
  "$@"
}

# _graphite_stop_pidfile FILE: SIGTERM the pid in FILE, SIGKILL after 10 s, remove FILE.
_graphite_stop_pidfile() {
  local f=$1 pid i
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null
    for ((i = 0; i < 50; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  fi
  rm -f "$f"
}

graphite_carbon_start() {
  local dir=$1 line=$2 pickle=$3 query=$4 retentions=${5:-1s:10y}
  if [ -z "$query" ]; then
    echo "usage: graphite_carbon_start DIR LINE_PORT PICKLE_PORT QUERY_PORT [RETENTIONS]" >&2
    return 2
  fi
  mkdir -p "$dir/conf" "$dir/storage/whisper" "$dir/storage/lists" "$dir/log" "$dir/run" || return 1
  dir=$(cd "$dir" && pwd)
  cat >"$dir/conf/carbon.conf" <<CONF
[cache]
STORAGE_DIR = $dir/storage/
LOCAL_DATA_DIR = $dir/storage/whisper/
WHITELISTS_DIR = $dir/storage/lists/
CONF_DIR = $dir/conf/
LOG_DIR = $dir/log/
PID_DIR = $dir/run/
USER =
DATABASE = whisper
ENABLE_TAGS = False
CARBON_METRIC_INTERVAL = 0
MAX_CACHE_SIZE = inf
MAX_UPDATES_PER_SECOND = inf
MAX_CREATES_PER_MINUTE = inf
MIN_TIMESTAMP_RESOLUTION = 1
LINE_RECEIVER_INTERFACE = 127.0.0.1
LINE_RECEIVER_PORT = $line
ENABLE_UDP_LISTENER = False
PICKLE_RECEIVER_INTERFACE = 127.0.0.1
PICKLE_RECEIVER_PORT = $pickle
CACHE_QUERY_INTERFACE = 127.0.0.1
CACHE_QUERY_PORT = $query
USE_FLOW_CONTROL = True
LOG_LISTENER_CONN_SUCCESS = False
WHISPER_AUTOFLUSH = False
WHISPER_SPARSE_CREATE = True
WHISPER_FALLOCATE_CREATE = False
CONF
  printf '[everything]\npattern = .*\nretentions = %s\n' "$retentions" >"$dir/conf/storage-schemas.conf"
  printf '[default]\npattern = .*\nxFilesFactor = 0\naggregationMethod = average\n' \
    >"$dir/conf/storage-aggregation.conf"
  rm -f "$dir/run/carbon-cache-a.pid"
  PYTHONWARNINGS=ignore /usr/bin/carbon-cache --config="$dir/conf/carbon.conf" \
    --pidfile="$dir/run/carbon-cache-a.pid" --logdir="$dir/log" --nodaemon start \
    >>"$dir/carbon.log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$dir/carbon.pid"
  if ! _graphite_wait "$GRAPHITE_WAIT_SECS" "$pid" eval \
    "_graphite_port_open $line && _graphite_port_open $pickle && _graphite_port_open $query"; then
    echo "graphite: carbon-cache did not come up on 127.0.0.1:$pickle; end of $dir/carbon.log:" >&2
    tail -n 20 "$dir/carbon.log" >&2
    _graphite_stop_pidfile "$dir/carbon.pid"
    return 1
  fi
}

graphite_carbon_stop() {
  _graphite_stop_pidfile "$1/carbon.pid"
}

graphite_web_start() {
  local dir=$1 whisper=$2 port=$3 query=${4:-}
  if [ -z "$port" ]; then
    echo "usage: graphite_web_start WEB_DIR WHISPER_DIR PORT [CARBON_QUERY_PORT]" >&2
    return 2
  fi
  mkdir -p "$dir/py" "$dir/log" || return 1
  dir=$(cd "$dir" && pwd)
  whisper=$(cd "$whisper" && pwd) || return 1
  local carbonlink="[]"
  [ -n "$query" ] && carbonlink="['127.0.0.1:$query']"
  cat >"$dir/py/vs_graphite_local.py" <<PY
SECRET_KEY = 'vs-demo-only-not-secret'
GRAPHITE_ROOT = '/usr/share/graphite-web'
STATIC_ROOT = '/usr/share/graphite-web/static'
CONF_DIR = '$dir'
STORAGE_DIR = '$dir'
LOG_DIR = '$dir/log'
INDEX_FILE = '$dir/index'
WHISPER_DIR = '$whisper/'
STANDARD_DIRS = ['$whisper/']
CARBONLINK_HOSTS = $carbonlink
TAGDB = ''
ALLOWED_HOSTS = ['127.0.0.1', 'localhost']
DATABASES = {'default': {'NAME': '$dir/graphite.db', 'ENGINE': 'django.db.backends.sqlite3'}}
FUNCTION_PLUGINS = []
DEFAULT_XFILES_FACTOR = 0
SILENCED_SYSTEM_CHECKS = ['models.W042']
PY
  PYTHONPATH="$dir/py" GRAPHITE_SETTINGS_MODULE=vs_graphite_local \
    DJANGO_SETTINGS_MODULE=graphite.settings PYTHONWARNINGS=ignore PYTHONDONTWRITEBYTECODE=1 \
    "$GRAPHITE_PY" /usr/bin/django-admin runserver --noreload "127.0.0.1:$port" \
    >>"$dir/graphite-web.log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$dir/graphite-web.pid"
  if ! _graphite_wait "$GRAPHITE_WAIT_SECS" "$pid" curl -fs -o /dev/null --max-time 5 \
    "http://127.0.0.1:$port/render?target=none&format=json"; then
    echo "graphite: graphite-web did not come up on 127.0.0.1:$port; end of $dir/graphite-web.log:" >&2
    tail -n 20 "$dir/graphite-web.log" >&2
    _graphite_stop_pidfile "$dir/graphite-web.pid"
    return 1
  fi
}

graphite_web_stop() {
  _graphite_stop_pidfile "$1/graphite-web.pid"
}

graphite_render_png() {
  local port=$1 target=$2 from=$3 until=$4 out=$5 width=${6:-800} height=${7:-400}
  curl -fsS --max-time 60 -o "$out" -G "http://127.0.0.1:$port/render" \
    --data-urlencode "target=$target" --data "format=png" --data "from=$from" \
    --data "until=$until" --data "width=$width" --data "height=$height" || return 1
  # A PNG starts with \x89PNG.
  [ "$(head -c 4 "$out" | tail -c 3)" = "PNG" ] || {
    echo "graphite: $out is not a PNG" >&2
    return 1
  }
}

graphite_render_json() {
  local port=$1 target=$2 from=$3 until=$4
  curl -fsS --max-time 60 -G "http://127.0.0.1:$port/render" --data-urlencode "target=$target" \
    --data "format=json" --data "from=$from" --data "until=$until"
}

graphite_list_metrics() {
  local whisper=$1
  (cd "$whisper" && find . -name '*.wsp' | sed -e 's|^\./||' -e 's|\.wsp$||' -e 's|/|.|g' | sort)
}

# The newest point of PATH (whisper's finest archive): "timestamp value".
graphite_latest() {
  "$GRAPHITE_PY" "$(dirname "${BASH_SOURCE[0]}")/whisper_points.py" --last "$1/${2//.//}.wsp"
}

# Every point of PATH, one "timestamp value" line each, oldest first.
graphite_series() {
  "$GRAPHITE_PY" "$(dirname "${BASH_SOURCE[0]}")/whisper_points.py" "$1/${2//.//}.wsp"
}
