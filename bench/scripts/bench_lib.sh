# shellcheck shell=bash
# shellcheck disable=SC2154  # repo and work come from the sourcing script
# Shared by the bench scripts (sourced, not run): process bookkeeping, tokens, JSON helpers and
# starting the services and okr-echo-server on loopback. The sourcing script sets `repo` first,
# and `work` before it calls cleanup or starts anything.

# The settings every load script shares (environment, with defaults): the binaries, the load
# generator's window and shape, rounds, and the services' log level.
bin="${OKR_BIN_DIR:-$repo/build/bench/bin}"
duration="${DURATION:-10s}"
warmup="${WARMUP:-2s}"
concurrency="${CONCURRENCY:-64}"
channels="${CHANNELS:-2}"
threads="${THREADS:-1}"
# shellcheck disable=SC2034  # rounds is read by the sourcing scripts
rounds="${ROUNDS:-3}"
log_level="${LOG_LEVEL:-info}"

# die <message...>: "<script>: message" on stderr, then exit 1.
die() {
  echo "$(basename "$0"): $*" >&2
  exit 1
}

# print_help: the sourcing script's header comment (up to its `set -euo`), then exit 0.
print_help() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
  exit 0
}

pids=()
# cleanup: stops every process started here and removes the work dir (KEEP_WORK=1 keeps it).
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ "${KEEP_WORK:-0}" == 1 ]]; then
    echo "$(basename "$0"): kept $work" >&2
  else
    rm -rf "$work"
  fi
}

# require_tools <tool...>: dies unless each binary is in $bin.
require_tools() {
  local tool
  for tool in "$@"; do
    [[ -x "$bin/$tool" ]] || die "$bin/$tool is missing (set OKR_BIN_DIR)"
  done
}

# loadgen <port> <okr-loadgen flags...>: one JSON line on stdout, with the sourcing script's
# concurrency, channels, threads, duration and warmup.
loadgen() {
  local port="$1"
  shift
  "$bin/okr-loadgen" --target "127.0.0.1:$port" --concurrency "$concurrency" \
    --channels "$channels" --threads "$threads" --duration "$duration" --warmup "$warmup" "$@"
}

# use_fresh_jwt_secret: a fresh HS256 secret per run; okr-goals and okr-token read these variables.
use_fresh_jwt_secret() {
  OKR_JWT_SECRET="bench-$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
  export OKR_JWT_SECRET
  export OKR_JWT_ISSUER=okr-bench
  export OKR_JWT_AUDIENCE=okr-suite
}

# median <numbers...>: the middle value (the upper middle one for an even count).
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int(NR / 2) + 1] }'; }

# Reads one numeric field of a flat JSON line: json_number '{"a":1.5}' a -> 1.5.
json_number() { grep -o "\"$2\":[-0-9.e+]*" <<<"$1" | head -1 | cut -d: -f2; }

# proc_kib <pid> <field>: a /proc/<pid>/status size in KiB, e.g. proc_kib "$pid" VmHWM.
proc_kib() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }

# port_open <port>: whether something accepts connections on 127.0.0.1:<port>.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# start_server <service> <log> <db> [flags...]: starts okr-<service> on a free port; sets
# server_pid and server_port. The script picks the port (the server's own report of a port 0
# listener is an info log line, absent at --log-level warn) and retries with another one if the
# server loses the race.
start_server() {
  local service="$1" log="$2" db="$3"
  shift 3
  for _ in $(seq 1 10); do
    server_port=$((20000 + RANDOM % 40000))
    port_open "$server_port" && continue
    "$bin/okr-$service" --listen "127.0.0.1:$server_port" --db "$db" --log-level "$log_level" \
      "$@" >>"$log" 2>&1 &
    server_pid=$!
    pids+=("$server_pid")
    for _ in $(seq 1 200); do
      port_open "$server_port" && return 0
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$server_pid" 2>/dev/null && die "okr-$service did not listen within 20 s"
  done
  die "okr-$service did not start; see its log: $(tail -5 "$log")"
}

# start_goals <log> <db> [okr-goals flags...]: start_server for okr-goals; sets goals_pid and
# goals_port.
# shellcheck disable=SC2034  # goals_pid and goals_port are read by the sourcing script
start_goals() {
  start_server goals "$@"
  goals_pid="$server_pid"
  goals_port="$server_port"
}

stop_goals() {
  kill -TERM "$goals_pid" 2>/dev/null || true
  wait "$goals_pid" 2>/dev/null || true
}

# start_echo [okr-echo-server flags...]: starts okr-echo-server on a free port; sets echo_pid and
# echo_port.
start_echo() {
  "$bin/okr-echo-server" --listen 127.0.0.1:0 "$@" >"$work/echo.port" 2>"$work/echo.log" &
  echo_pid=$!
  pids+=("$echo_pid")
  echo_port=""
  for _ in $(seq 1 100); do
    echo_port="$(head -1 "$work/echo.port" || true)"
    [[ -n "$echo_port" ]] && return 0
    kill -0 "$echo_pid" 2>/dev/null || die "okr-echo-server exited: $(cat "$work/echo.log")"
    sleep 0.1
  done
  die "okr-echo-server did not print its port within 10 s"
}

stop_echo() {
  kill -TERM "$echo_pid" 2>/dev/null || true
  wait "$echo_pid" 2>/dev/null || true
}
