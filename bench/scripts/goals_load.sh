#!/usr/bin/env bash
# Load and memory benchmarks of okr-goals on loopback, measured against a bare gRPC echo server
# started in the same invocation (the machines are shared, so ratios are what compare).
#
#   bench/scripts/goals_load.sh [load]   echo, GetObjective and durable CreateCheckIn: one JSON line
#                                        each, then a summary line with GetObjective/echo
#   bench/scripts/goals_load.sh memory   okr-goals resident memory before and after seeding 100k
#                                        objectives with 500k key results, and after a restart
#
# Binaries come from OKR_BIN_DIR (default build/bench/bin, from
#   cmake --preset bench && cmake --build --preset bench --target okr-goals okr-token \
#     okr-loadgen okr-goals-seed okr-echo-server).
# Settings (environment): DURATION (10s), WARMUP (2s), CONCURRENCY (64), CHANNELS (2), THREADS (1),
# ROUNDS (3: echo and GetObjective alternate, the medians are compared), PEOPLE (100),
# OBJECTIVES (1000), KEY_RESULTS_PER_OBJECTIVE (5), SEED_CONCURRENCY (64),
# LOG_LEVEL (okr-goals --log-level, default info: its per-call access log is part of the cost),
# READ_MODEL (true: okr-goals --read-model), MEMORY_OBJECTIVES (100000), MEMORY_KEY_RESULTS_PER_OBJECTIVE (5), KEEP_WORK (1: keep the temp dir).
# Targets: GetObjective >= 0.8x echo QPS; durable CreateCheckIn >= 20k/s; RSS <= 1 GiB at 100k
# objectives / 500k key results.
set -euo pipefail

mode="${1:-load}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=bench/scripts/bench_lib.sh
source "$repo/bench/scripts/bench_lib.sh"
people="${PEOPLE:-100}"
objectives="${OBJECTIVES:-1000}"
key_results_per_objective="${KEY_RESULTS_PER_OBJECTIVE:-5}"
seed_concurrency="${SEED_CONCURRENCY:-64}"
read_model="${READ_MODEL:-true}"


case "$mode" in
  load | memory) ;;
  -h | --help) print_help ;;
  *) die "unknown mode '$mode' (load or memory)" ;;
esac

work="$(mktemp -d "${TMPDIR:-/tmp}/okr-goals-load.XXXXXX")"
trap cleanup EXIT
require_tools okr-goals okr-token okr-loadgen okr-goals-seed okr-echo-server

use_fresh_jwt_secret
# people/p0 (created by the seeder) acting as an administrator of tenant "bench".
admin_token="$("$bin/okr-token" --tenant bench --subject p0 --roles admin --ttl 12h)"

run_load() {
  # shellcheck disable=SC2119  # start_echo takes the echo server's flags, none here
  start_echo
  start_goals "$work/goals.log" "$work/goals.db" --read-model "$read_model"
  local seed
  seed="$("$bin/okr-goals-seed" --target "127.0.0.1:$goals_port" --token "$admin_token" \
    --people "$people" --objectives "$objectives" \
    --key-results-per-objective "$key_results_per_objective" --concurrency "$seed_concurrency" \
    --objectives-out "$work/objectives.txt" --key-results-out "$work/key_results.txt")"
  echo "$seed"
  [[ -s "$work/objectives.txt" ]] || die "the seeder created no objectives"
  [[ -s "$work/key_results.txt" ]] || die "the seeder created no key results"

  # GetObjective rotates over every seeded objective; CreateCheckIn over every key result.
  awk '{ printf "name: \"%s\"\n", $0 }' "$work/objectives.txt" >"$work/get_objective.txt"
  awk '{ printf "parent: \"%s\" check_in { value: %d confidence: 7 }\n", $0, NR % 100 }' \
    "$work/key_results.txt" >"$work/create_check_in.txt"

  # The echo mimics GetObjective's sizes: a request about as long as an objective name, an answer
  # as large as a stored objective.
  local name response_bytes
  name="$(head -1 "$work/objectives.txt")"
  response_bytes="$(json_number "$seed" objective_bytes)"
  [[ "$response_bytes" -gt 0 ]] || response_bytes=256

  # Echo and GetObjective alternate for ROUNDS rounds and the summary takes the median of each,
  # so a burst of other work on the machine does not land on one side only.
  local echo_line get_line check_in_line
  local echo_qps=() get_qps=() echo_cpu=() get_cpu=() get_errors=0
  for _ in $(seq 1 "$rounds"); do
    echo_line="$(loadgen "$echo_port" --bench echo --method okr.bench.v1.EchoService/Echo \
      --server-pid "$echo_pid" --request "payload: \"$name\" response_size: $response_bytes")"
    echo "$echo_line"
    echo_qps+=("$(json_number "$echo_line" qps)")
    echo_cpu+=("$(json_number "$echo_line" server_cpu_us_per_call)")
    get_line="$(loadgen "$goals_port" --bench get_objective \
      --method okr.goals.v1.GoalsService/GetObjective --token "$admin_token" \
      --server-pid "$goals_pid" --request-file "$work/get_objective.txt")"
    echo "$get_line"
    get_qps+=("$(json_number "$get_line" qps)")
    get_cpu+=("$(json_number "$get_line" server_cpu_us_per_call)")
    get_errors=$((get_errors + $(json_number "$get_line" errors)))
  done
  check_in_line="$(loadgen "$goals_port" --bench create_check_in_durable \
    --method okr.goals.v1.GoalsService/CreateCheckIn --token "$admin_token" \
    --server-pid "$goals_pid" --request-file "$work/create_check_in.txt")"
  echo "$check_in_line"

  awk -v echo_qps="$(median "${echo_qps[@]}")" -v get_qps="$(median "${get_qps[@]}")" \
    -v echo_cpu="$(median "${echo_cpu[@]}")" -v get_cpu="$(median "${get_cpu[@]}")" \
    -v check_in_cpu="$(json_number "$check_in_line" server_cpu_us_per_call)" \
    -v get_errors="$get_errors" -v rounds="$rounds" \
    -v check_in_qps="$(json_number "$check_in_line" qps)" \
    -v check_in_errors="$(json_number "$check_in_line" errors)" \
    -v check_in_p99="$(json_number "$check_in_line" p99_us)" \
    -v concurrency="$concurrency" -v log_level="$log_level" -v objectives="$objectives" \
    -v read_model="$read_model" \
    -v key_results="$(wc -l <"$work/key_results.txt")" 'BEGIN {
      ratio = echo_qps > 0 ? get_qps / echo_qps : 0
      printf "{\"bench\":\"goals_load\",\"read_model\":%s,\"concurrency\":%d,", read_model, concurrency
      printf "\"log_level\":\"%s\",", log_level
      printf "\"objectives\":%d,\"key_results\":%d,\"rounds\":%d,", objectives, key_results, rounds
      printf "\"echo_qps\":%.1f,\"get_objective_qps\":%.1f,\"get_objective_errors\":%d,", \
        echo_qps, get_qps, get_errors
      printf "\"ratio_get_objective_to_echo\":%.3f,\"target_ratio\":0.8,\"ratio_met\":%s,", \
        ratio, (ratio >= 0.8) ? "true" : "false"
      printf "\"echo_server_cpu_us_per_call\":%.1f,\"get_objective_server_cpu_us_per_call\":%.1f,", \
        echo_cpu, get_cpu
      printf "\"create_check_in_server_cpu_us_per_call\":%.1f,", check_in_cpu
      printf "\"create_check_in_qps\":%.1f,\"create_check_in_errors\":%d,", \
        check_in_qps, check_in_errors
      printf "\"create_check_in_p99_us\":%d,\"target_check_in_qps\":20000,\"check_in_met\":%s}\n", \
        check_in_p99, (check_in_qps >= 20000) ? "true" : "false"
    }'
}

run_memory() {
  local memory_objectives="${MEMORY_OBJECTIVES:-100000}"
  local memory_key_results="${MEMORY_KEY_RESULTS_PER_OBJECTIVE:-5}"
  start_goals "$work/goals.log" "$work/goals.db" --read-model "$read_model"
  local seed
  seed="$("$bin/okr-goals-seed" --target "127.0.0.1:$goals_port" --token "$admin_token" \
    --people "$people" --objectives "$memory_objectives" \
    --key-results-per-objective "$memory_key_results" --concurrency "$seed_concurrency" \
    --objectives-out "$work/objectives.txt" --key-results-out "$work/key_results.txt" \
    --server-pid "$goals_pid")"
  echo "$seed"

  # Restart on the same database, then read objectives and check in on key results for a few
  # seconds, so the figure also covers state the service rebuilds after a restart (on start-up or
  # on first use) rather than only what the writes left behind.
  stop_goals
  start_goals "$work/goals-restarted.log" "$work/goals.db" --read-model "$read_model"
  awk '{ printf "name: \"%s\"\n", $0 }' "$work/objectives.txt" >"$work/get_objective.txt"
  awk '{ printf "parent: \"%s\" check_in { value: %d }\n", $0, NR % 100 }' \
    "$work/key_results.txt" >"$work/create_check_in.txt"
  "$bin/okr-loadgen" --target "127.0.0.1:$goals_port" --bench get_objective_after_restart \
    --method okr.goals.v1.GoalsService/GetObjective --token "$admin_token" \
    --request-file "$work/get_objective.txt" --concurrency 32 --duration 5s --warmup 0s
  "$bin/okr-loadgen" --target "127.0.0.1:$goals_port" --bench create_check_in_after_restart \
    --method okr.goals.v1.GoalsService/CreateCheckIn --token "$admin_token" \
    --request-file "$work/create_check_in.txt" --concurrency 32 --duration 5s --warmup 0s
  local restarted_rss restarted_hwm db_kib
  restarted_rss="$(proc_kib "$goals_pid" VmRSS)"
  restarted_hwm="$(proc_kib "$goals_pid" VmHWM)"
  db_kib="$(du -ck "$work"/goals.db* | tail -1 | cut -f1)"

  awk -v objectives="$(json_number "$seed" objectives)" \
    -v key_results="$(json_number "$seed" key_results)" \
    -v before="$(json_number "$seed" rss_before_kib)" \
    -v after="$(json_number "$seed" rss_after_kib)" \
    -v hwm="$(json_number "$seed" hwm_after_kib)" \
    -v restarted="$restarted_rss" -v restarted_hwm="$restarted_hwm" -v db_kib="$db_kib" \
    -v read_model="$read_model" 'BEGIN {
      worst = (hwm > restarted_hwm) ? hwm : restarted_hwm
      printf "{\"bench\":\"goals_memory\",\"read_model\":%s,\"objectives\":%d,", read_model, objectives
      printf "\"key_results\":%d,", key_results
      printf "\"rss_before_mib\":%.1f,\"rss_after_seed_mib\":%.1f,\"hwm_after_seed_mib\":%.1f,", \
        before / 1024, after / 1024, hwm / 1024
      printf "\"rss_after_restart_and_load_mib\":%.1f,\"hwm_after_restart_mib\":%.1f,", \
        restarted / 1024, restarted_hwm / 1024
      printf "\"database_mib\":%.1f,\"target_mib\":1024,\"met\":%s}\n", \
        db_kib / 1024, (worst <= 1024 * 1024) ? "true" : "false"
    }'
}

if [[ "$mode" == load ]]; then run_load; else run_memory; fi
