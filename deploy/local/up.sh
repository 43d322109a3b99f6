#!/usr/bin/env bash
# Brings okr-suite up on this machine with its embedded defaults: a redis-server on a free loopback
# port and the three services (goals, feedback, analytics) with SQLite files, all under a state
# directory. Waits until every service reports SERVING, prints the endpoints and a development
# token, and stops everything cleanly on Ctrl-C or SIGTERM.
#
#   deploy/local/up.sh                       build (release preset) if needed, then run
#   OKR_STATE_DIR=/path deploy/local/up.sh   keep the data elsewhere (default: .state/local)
#   OKR_BASE_PORT=50051                      goals, feedback, analytics on BASE, BASE+1, BASE+2
#   OKR_SKIP_BUILD=1                         use the binaries already in OKR_BIN_DIR
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
state="${OKR_STATE_DIR:-$repo/.state/local}"
base_port="${OKR_BASE_PORT:-50051}"
bin="${OKR_BIN_DIR:-$repo/build/release/bin}"

if [[ "${OKR_SKIP_BUILD:-0}" != "1" ]]; then
  "$repo/tools/install-deps.sh"
  export CCACHE_BASEDIR="$repo"
  (cd "$repo" && cmake --preset release >/dev/null &&
    cmake --build --preset release --target okr-goals okr-feedback okr-analytics okr-token \
      okr-health okr-demo okrctl)
fi


find_bin() { # the built binary of that name under $bin
  local path
  path="$(find "$bin" -type f -name "$1" -perm -u+x 2>/dev/null | head -1)"
  [[ -n "$path" ]] || { echo "up.sh: $1 not found under $bin (build first)" >&2; exit 1; }
  echo "$path"
}
goals_bin="$(find_bin okr-goals)"
feedback_bin="$(find_bin okr-feedback)"
analytics_bin="$(find_bin okr-analytics)"
token_bin="$(find_bin okr-token)"
health_bin="$(find_bin okr-health)"
demo_bin="$(find_bin okr-demo)"
okrctl_dir="$(cd "$(dirname "$(find_bin okrctl)")" && pwd)"

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

mkdir -p "$state/log"
# One development secret per state directory, so tokens keep working across restarts.
if [[ ! -s "$state/jwt-secret" ]]; then
  umask 077
  openssl rand -hex 32 >"$state/jwt-secret"
fi
export OKR_JWT_ALGORITHM=HS256
OKR_JWT_SECRET="$(cat "$state/jwt-secret")"
export OKR_JWT_SECRET
export OKR_JWT_ISSUER="${OKR_JWT_ISSUER:-okr-dev}"
export OKR_JWT_AUDIENCE="${OKR_JWT_AUDIENCE:-okr-suite}"

pids=()
stop_all() {
  trap - INT TERM EXIT
  echo
  echo "stopping okr-suite..."
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill -TERM "${pids[i]}" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  echo "stopped; data kept in $state"
  exit 0
}
trap stop_all INT TERM EXIT

redis_port="$(free_port)"
mkdir -p "$state/redis"
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$state/redis" --save "" \
  --appendonly no --daemonize no >"$state/log/redis.log" 2>&1 &
pids+=($!)

start() { # name binary grpc_port metrics_port [extra flags...]
  local name="$1" binary="$2" port="$3" metrics="$4"
  shift 4
  if ! port_free "$port"; then
    echo "up.sh: port $port is in use (set OKR_BASE_PORT to move the suite)" >&2
    exit 1
  fi
  "$binary" --listen "127.0.0.1:$port" --metrics-listen "127.0.0.1:$metrics" \
    --db "$state/$name.db" --drain-period 0s "$@" >"$state/log/$name.log" 2>&1 &
  pids+=($!)
}
goals_port=$base_port
feedback_port=$((base_port + 1))
analytics_port=$((base_port + 2))
start goals "$goals_bin" "$goals_port" "$(free_port)"
start feedback "$feedback_bin" "$feedback_port" "$(free_port)" --goals-address "127.0.0.1:$goals_port"
start analytics "$analytics_bin" "$analytics_port" "$(free_port)" \
  --redis "127.0.0.1:$redis_port" --goals-address "127.0.0.1:$goals_port" \
  --feedback-address "127.0.0.1:$feedback_port"

"$health_bin" --quiet --wait 30s --address "127.0.0.1:$goals_port" \
  --service okr.org.v1.OrgService --service okr.goals.v1.GoalsService \
  --service okr.goals.v1.ProgressIngestService || { echo "goals did not start; see $state/log/goals.log" >&2; exit 1; }
"$health_bin" --quiet --wait 30s --address "127.0.0.1:$feedback_port" \
  --service okr.feedback.v1.FeedbackService || { echo "feedback did not start; see $state/log/feedback.log" >&2; exit 1; }
"$health_bin" --quiet --wait 30s --address "127.0.0.1:$analytics_port" \
  --service okr.analytics.v1.AnalyticsService || { echo "analytics did not start; see $state/log/analytics.log" >&2; exit 1; }

token="$("$token_bin" --tenant demo --subject admin --roles admin,ingest --ttl 12h)"
echo "$token" >"$state/dev-token"
# The demo company for tenant "demo" (200 people, 20 teams, a quarter of OKRs with 8 weeks of
# history, feedback, one-on-ones, a review cycle), loaded through the public RPCs and only into an
# empty tenant, so restarting keeps what you changed. OKR_SKIP_DEMO=1 leaves the tenant empty;
# OKR_DEMO_SEED picks another company.
if [[ "${OKR_SKIP_DEMO:-0}" != 1 ]]; then
  "$demo_bin" --if-empty --tenant demo --seed "${OKR_DEMO_SEED:-42}" \
    --goals-address "127.0.0.1:$goals_port" --feedback-address "127.0.0.1:$feedback_port" \
    --jwt-secret-file "$state/jwt-secret" ||
    echo "up.sh: demo data not loaded (see above); the suite runs without it" >&2
fi
cat <<INFO

okr-suite is up (state in $state, logs in $state/log):
  goals      127.0.0.1:$goals_port   okr.org.v1.OrgService, okr.goals.v1.GoalsService, okr.goals.v1.ProgressIngestService
  feedback   127.0.0.1:$feedback_port   okr.feedback.v1.FeedbackService
  analytics  127.0.0.1:$analytics_port   okr.analytics.v1.AnalyticsService
  redis      127.0.0.1:$redis_port

Development token (tenant "demo", roles admin and ingest; also in $state/dev-token):
  $token

Try okrctl (in another terminal):
  export PATH="$okrctl_dir:\$PATH" OKR_TOKEN_FILE="$state/dev-token" \\
    OKR_GOALS_ADDRESS=127.0.0.1:$goals_port OKR_FEEDBACK_ADDRESS=127.0.0.1:$feedback_port \\
    OKR_ANALYTICS_ADDRESS=127.0.0.1:$analytics_port
  okrctl tree                  the company's OKR tree with progress, health and confidence
  okrctl dashboard             the quarter at a glance, from analytics
  okrctl objectives list       every objective; then okrctl objectives show NAME
  okrctl watch                 live aggregates while you check in: okrctl checkin KR --value N
Or any RPC with buf curl:
  buf curl --protocol grpc --http2-prior-knowledge -H "authorization: Bearer \$(cat $state/dev-token)" \\
    -d '{}' http://127.0.0.1:$goals_port/okr.goals.v1.GoalsService/ListCycles
Press Ctrl-C to stop.
INFO

# Stay up until a signal, or until one of the processes dies.
wait -n "${pids[@]}" || true
echo "up.sh: a process exited; see $state/log" >&2
