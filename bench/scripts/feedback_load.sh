#!/usr/bin/env bash
# Load benchmark of okr-feedback on loopback, measured against a bare gRPC echo server started in
# the same invocation (the machines are shared, so ratios are what compare).
#
#   bench/scripts/feedback_load.sh   okr-goals seeded with people and objectives, okr-feedback in
#                                    front of it; then durable CreateFeedback (each linked to an
#                                    objective, checked with goals) until one recipient has
#                                    FEEDBACK_ITEMS items, and ROUNDS alternating rounds of echo and
#                                    ListFeedback (a page of PAGE_SIZE for that recipient). One JSON
#                                    line per run, then a summary line with the ratios.
#
# Binaries come from OKR_BIN_DIR (default build/bench/bin, from
#   cmake --preset bench && cmake --build --preset bench --target okr-goals okr-feedback \
#     okr-token okr-loadgen okr-goals-seed okr-echo-server).
# Settings (environment): DURATION (10s), WARMUP (2s), CONCURRENCY (64), CHANNELS (2), THREADS (1),
# ROUNDS (3), PEOPLE (100), OBJECTIVES (200), FEEDBACK_ITEMS (10000), PAGE_SIZE (50),
# LOG_LEVEL (info), KEEP_WORK (1: keep the temp dir).
# Targets: ListFeedback (page of 50, recipient with 10k items) >= 0.5x echo QPS; durable
# CreateFeedback with a linked objective >= 0.3x echo QPS.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=bench/scripts/bench_lib.sh
source "$repo/bench/scripts/bench_lib.sh"
people="${PEOPLE:-100}"
objectives="${OBJECTIVES:-200}"
feedback_items="${FEEDBACK_ITEMS:-10000}"
page_size="${PAGE_SIZE:-50}"


case "${1:-}" in
  "") ;;
  -h | --help) print_help ;;
  *) die "unknown argument '$1'" ;;
esac

work="$(mktemp -d "${TMPDIR:-/tmp}/okr-feedback-load.XXXXXX")"
trap cleanup EXIT
require_tools okr-goals okr-feedback okr-token okr-loadgen okr-goals-seed okr-echo-server

use_fresh_jwt_secret
# people/p0 (created by the seeder) is an administrator of tenant "bench" and gives the feedback;
# people/p1 receives it and reads it back.
admin_token="$("$bin/okr-token" --tenant bench --subject p0 --roles admin --ttl 12h)"
author_token="$("$bin/okr-token" --tenant bench --subject p2 --ttl 12h)"
reader_token="$("$bin/okr-token" --tenant bench --subject p1 --ttl 12h)"

# shellcheck disable=SC2119  # start_echo takes the echo server's flags, none here
start_echo
start_goals "$work/goals.log" "$work/goals.db"
seed="$("$bin/okr-goals-seed" --target "127.0.0.1:$goals_port" --token "$admin_token" \
  --people "$people" --objectives "$objectives" --key-results-per-objective 1 \
  --objectives-out "$work/objectives.txt")"
echo "$seed"
[[ -s "$work/objectives.txt" ]] || die "the seeder created no objectives"
start_server feedback "$work/feedback.log" "$work/feedback.db" \
  --goals-address "127.0.0.1:$goals_port"
feedback_pid="$server_pid"
feedback_port="$server_port"

# CreateFeedback rotates over the objectives (each checked with goals once, then cached), a few
# kinds and visibilities, always about people/p1 from people/p2.
awk '{
  kind = (NR % 3 == 0) ? "FEEDBACK_KIND_RECOGNITION" : "FEEDBACK_KIND_PRAISE"
  visibility = (NR % 3 == 0) ? "FEEDBACK_VISIBILITY_PUBLIC" : \
    ((NR % 3 == 1) ? "FEEDBACK_VISIBILITY_MANAGER" : "FEEDBACK_VISIBILITY_PRIVATE")
  printf "feedback { recipient: \"people/p1\" kind: %s visibility: %s objective: \"%s\" ", \
    kind, visibility, $0
  printf "tags: \"ownership\" tags: \"delivery\" body: \"Thanks for unblocking the release of %s, it saved the team a week\" }\n", \
    $0
}' "$work/objectives.txt" >"$work/create_feedback.txt"

# The echo for CreateFeedback: a request and an answer of a created feedback's size.
create_line="$(loadgen "$feedback_port" --bench create_feedback_durable \
  --method okr.feedback.v1.FeedbackService/CreateFeedback --token "$author_token" \
  --server-pid "$feedback_pid" --request-file "$work/create_feedback.txt")"
echo "$create_line"
created="$(json_number "$create_line" calls)"
create_bytes="$(json_number "$create_line" response_bytes)"
# Top up (not measured) until the recipient has at least FEEDBACK_ITEMS items. `calls` counts the
# measured window only, so the warm-ups make the true count somewhat higher.
while [[ "$created" -lt "$feedback_items" ]]; do
  fill="$("$bin/okr-loadgen" --target "127.0.0.1:$feedback_port" --bench fill \
    --method okr.feedback.v1.FeedbackService/CreateFeedback --token "$author_token" \
    --concurrency "$concurrency" --duration 5s --warmup 0s \
    --request-file "$work/create_feedback.txt")"
  [[ "$(json_number "$fill" qps)" != 0 ]] || die "filling failed: $fill"
  created=$((created + $(json_number "$fill" calls) - $(json_number "$fill" errors)))
done

sample="$(head -1 "$work/create_feedback.txt" | sed 's/"/\\"/g')"
list_request="recipient: \"people/p1\" page_size: $page_size"
echo_qps=() list_qps=() echo_cpu=() list_cpu=() create_echo_qps=() list_errors=0 list_bytes=0
for _ in $(seq 1 "$rounds"); do
  line="$(loadgen "$echo_port" --bench echo_create --method okr.bench.v1.EchoService/Echo \
    --server-pid "$echo_pid" --request "payload: \"$sample\" response_size: $create_bytes")"
  echo "$line"
  create_echo_qps+=("$(json_number "$line" qps)")
  line="$(loadgen "$feedback_port" --bench list_feedback \
    --method okr.feedback.v1.FeedbackService/ListFeedback --token "$reader_token" \
    --server-pid "$feedback_pid" --request "$list_request")"
  echo "$line"
  list_qps+=("$(json_number "$line" qps)")
  list_cpu+=("$(json_number "$line" server_cpu_us_per_call)")
  list_errors=$((list_errors + $(json_number "$line" errors)))
  list_bytes="$(json_number "$line" response_bytes)"
  line="$(loadgen "$echo_port" --bench echo_list --method okr.bench.v1.EchoService/Echo \
    --server-pid "$echo_pid" --request "payload: \"${list_request//\"/\\\"}\" response_size: $list_bytes")"
  echo "$line"
  echo_qps+=("$(json_number "$line" qps)")
  echo_cpu+=("$(json_number "$line" server_cpu_us_per_call)")
done

awk -v echo_qps="$(median "${echo_qps[@]}")" -v list_qps="$(median "${list_qps[@]}")" \
  -v create_echo_qps="$(median "${create_echo_qps[@]}")" \
  -v echo_cpu="$(median "${echo_cpu[@]}")" -v list_cpu="$(median "${list_cpu[@]}")" \
  -v list_errors="$list_errors" -v list_bytes="$list_bytes" -v items="$created" \
  -v page_size="$page_size" -v rounds="$rounds" -v concurrency="$concurrency" \
  -v log_level="$log_level" \
  -v create_qps="$(json_number "$create_line" qps)" \
  -v create_errors="$(json_number "$create_line" errors)" \
  -v create_p99="$(json_number "$create_line" p99_us)" \
  -v create_cpu="$(json_number "$create_line" server_cpu_us_per_call)" 'BEGIN {
    list_ratio = echo_qps > 0 ? list_qps / echo_qps : 0
    create_ratio = create_echo_qps > 0 ? create_qps / create_echo_qps : 0
    printf "{\"bench\":\"feedback_load\",\"concurrency\":%d,\"log_level\":\"%s\",", \
      concurrency, log_level
    printf "\"recipient_items_at_least\":%d,\"page_size\":%d,\"rounds\":%d,", items, page_size, rounds
    printf "\"echo_list_qps\":%.1f,\"list_feedback_qps\":%.1f,\"list_feedback_errors\":%d,", \
      echo_qps, list_qps, list_errors
    printf "\"list_response_bytes\":%d,\"echo_server_cpu_us_per_call\":%.1f,", list_bytes, echo_cpu
    printf "\"list_feedback_server_cpu_us_per_call\":%.1f,", list_cpu
    printf "\"ratio_list_to_echo\":%.3f,\"target_list_ratio\":0.5,\"list_met\":%s,", \
      list_ratio, (list_ratio >= 0.5) ? "true" : "false"
    printf "\"echo_create_qps\":%.1f,\"create_feedback_qps\":%.1f,\"create_feedback_errors\":%d,", \
      create_echo_qps, create_qps, create_errors
    printf "\"create_feedback_p99_us\":%d,\"create_feedback_server_cpu_us_per_call\":%.1f,", \
      create_p99, create_cpu
    printf "\"ratio_create_to_echo\":%.3f,\"target_create_ratio\":0.3,\"create_met\":%s}\n", \
      create_ratio, (create_ratio >= 0.3) ? "true" : "false"
  }'
