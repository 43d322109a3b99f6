#!/usr/bin/env bash
# Streaming ingest and change-feed benchmarks of okr-goals on loopback. The ingest figures are
# measured against a bare IngestProgress-shaped echo stream (okr-echo-server) started in the same
# invocation, with the load generator on the same machine (the machines are shared, so ratios are
# what compare).
#
#   bench/scripts/ingest_load.sh [ingest]  durable events/s through IngestProgress and through the
#                                          echo ceiling, alternating for ROUNDS rounds; summary with
#                                          the medians and the ratio
#   bench/scripts/ingest_load.sh latency   the maximum rate (one unpaced run), then a run paced at
#                                          half of it: p99 ack latency
#   bench/scripts/ingest_load.sh feed      FOLLOWERS WatchChanges followers while the writer commits
#                                          CHANGES_PER_S changes/s: delivery lag
#   bench/scripts/ingest_load.sh all       ingest, latency (reusing the ingest maximum), feed
#   bench/scripts/ingest_load.sh ceiling   the echo ceiling alone (checks the tools, no okr-goals)
#
# Binaries come from OKR_BIN_DIR (default build/bench/bin, from
#   cmake --preset bench && cmake --build --preset bench --target okr-goals okr-token \
#     okr-goals-seed okr-echo-server okr-ingest-load okr-feed-load).
# Settings (environment): DURATION (10s), WARMUP (2s), ROUNDS (3), STREAMS (4), BATCH (100 events
# per request), WINDOW (1000 unanswered events per stream; the server's max_unacked_events when
# smaller), METRIC_KEYS (10: keys bench.m0.. each bound to the one key result of its own objective),
# MODES (mix: SET and INCREMENT), INGEST_MAX_UNACKED (passed to both servers as
# --ingest-max-unacked when set; the servers' default is 1000), LOG_LEVEL (okr-goals --log-level,
# default info), GOALS_FLAGS (more okr-goals flags, split on spaces), FOLLOWERS (100),
# CHANGES_PER_S (10000), MAX_BATCH (100: the followers' WatchChangesRequest.max_batch_size; 0
# for one change per message), FEED_DURATION (10s), FEED_WARMUP (4s), WRITER_STREAMS (2), WRITER_BATCH
# (10), KEEP_WORK (1: keep the temp dir with the servers' logs).
# Targets: >= 200k events/s and >= 0.4x the echo ceiling; p99 ack latency <= 50 ms at half the
# maximum rate; feed: 100 followers at 10k changes/s with p99 delivery lag <= 100 ms.
set -euo pipefail

mode="${1:-ingest}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=bench/scripts/bench_lib.sh
source "$repo/bench/scripts/bench_lib.sh"
streams="${STREAMS:-4}"
batch="${BATCH:-100}"
window="${WINDOW:-1000}"
metric_key_count="${METRIC_KEYS:-10}"
modes="${MODES:-mix}"
followers="${FOLLOWERS:-100}"
max_batch="${MAX_BATCH:-100}"
changes_per_s="${CHANGES_PER_S:-10000}"
feed_duration="${FEED_DURATION:-10s}"
feed_warmup="${FEED_WARMUP:-4s}"
writer_streams="${WRITER_STREAMS:-2}"
writer_batch="${WRITER_BATCH:-10}"


case "$mode" in
  ingest | latency | feed | all) tools=(okr-goals okr-token okr-goals-seed okr-echo-server
    okr-ingest-load okr-feed-load) ;;
  ceiling) tools=(okr-echo-server okr-ingest-load) ;;
  -h | --help) print_help ;;
  *) die "unknown mode '$mode' (ingest, latency, feed, all or ceiling)" ;;
esac
for tool in "${tools[@]}"; do
  [[ -x "$bin/$tool" ]] || die "$bin/$tool is missing (set OKR_BIN_DIR)"
done

work="$(mktemp -d -t okr-ingest-load.XXXXXX)"
trap cleanup EXIT

max_unacked_flag=()
[[ -n "${INGEST_MAX_UNACKED:-}" ]] && max_unacked_flag=(--ingest-max-unacked "$INGEST_MAX_UNACKED")
read -r -a goals_flags <<<"${GOALS_FLAGS:-}"

# metric keys bench.m0,bench.m1,...
metric_keys="$(seq -s, -f 'bench.m%g' 0 $((metric_key_count - 1)))"

if [[ "$mode" != ceiling ]]; then
  use_fresh_jwt_secret
  # people/p0 (created by the seeder) administers tenant "bench"; the ingest token is a backend's.
  admin_token="$("$bin/okr-token" --tenant bench --subject p0 --roles admin --ttl 12h)"
  ingest_token="$("$bin/okr-token" --tenant bench --subject ingest-bench --roles ingest \
    --ttl 12h)"
fi

# start_fresh_goals <log>: start_goals with a fresh database and this script's okr-goals flags.
start_fresh_goals() {
  start_goals "$1" "$(mktemp -u "$work/goals.XXXXXX").db" "${max_unacked_flag[@]}" \
    "${goals_flags[@]}"
}

# seed: one ACTIVE cycle, METRIC_KEYS objectives with one NUMERIC key result each, key result i
# bound to bench.m<i>.
seed() {
  "$bin/okr-goals-seed" --target "127.0.0.1:$goals_port" --token "$admin_token" --people 10 \
    --objectives "$metric_key_count" --key-results-per-objective 1 --metric-keys "$metric_keys" \
    --key-results-out "$work/key_results.txt"
  [[ -s "$work/key_results.txt" ]] || die "the seeder created no key results"
}

# ingest_load <echo|goals> <bench name> <args...>: one JSON line on stdout.
ingest_load() {
  local method="$1" bench="$2" port pid token=()
  shift 2
  if [[ "$method" == echo ]]; then
    port="$echo_port" pid="$echo_pid"
  else
    port="$goals_port" pid="$goals_pid" token=(--token "$ingest_token")
  fi
  "$bin/okr-ingest-load" --target "127.0.0.1:$port" --method "$method" "${token[@]}" \
    --bench "$bench" --server-pid "$pid" --streams "$streams" --batch "$batch" \
    --window "$window" --metric-keys "$metric_keys" --modes "$modes" --duration "$duration" \
    --warmup "$warmup" "$@"
}

# Sets max_events_per_s (median over the rounds) for run_latency.
run_ingest() {
  start_echo "${max_unacked_flag[@]}"
  start_fresh_goals "$work/goals-ingest.log"
  seed
  # Echo and goals alternate for ROUNDS rounds and the summary takes the median of each, so a
  # burst of other work on the machine does not land on one side only.
  local echo_line goals_line
  local echo_rate=() goals_rate=() echo_cpu=() goals_cpu=() goals_p99=() goals_errors=0
  for _ in $(seq 1 "$rounds"); do
    echo_line="$(ingest_load echo ingest_echo)"
    echo "$echo_line"
    echo_rate+=("$(json_number "$echo_line" events_per_s)")
    echo_cpu+=("$(json_number "$echo_line" server_cpu_us_per_event)")
    goals_line="$(ingest_load goals ingest_goals)"
    echo "$goals_line"
    goals_rate+=("$(json_number "$goals_line" events_per_s)")
    goals_cpu+=("$(json_number "$goals_line" server_cpu_us_per_event)")
    goals_p99+=("$(json_number "$goals_line" ack_p99_ms)")
    goals_errors=$((goals_errors + $(json_number "$goals_line" errors)))
  done
  stop_goals
  stop_echo
  max_events_per_s="$(median "${goals_rate[@]}")"
  awk -v echo_rate="$(median "${echo_rate[@]}")" -v goals_rate="$max_events_per_s" \
    -v echo_cpu="$(median "${echo_cpu[@]}")" -v goals_cpu="$(median "${goals_cpu[@]}")" \
    -v goals_p99="$(median "${goals_p99[@]}")" -v errors="$goals_errors" -v rounds="$rounds" \
    -v streams="$streams" -v batch="$batch" -v window="$window" 'BEGIN {
      ratio = echo_rate > 0 ? goals_rate / echo_rate : 0
      printf "{\"bench\":\"ingest\",\"events_per_s\":%.1f,\"ceiling_events_per_s\":%.1f,", \
        goals_rate, echo_rate
      printf "\"ratio\":%.3f,\"errors\":%d,\"ack_p99_ms_unpaced\":%.2f,", ratio, errors, goals_p99
      printf "\"server_cpu_us_per_event\":%.2f,\"ceiling_server_cpu_us_per_event\":%.2f,", \
        goals_cpu, echo_cpu
      printf "\"rounds\":%d,\"streams\":%d,\"batch\":%d,\"window\":%d,", rounds, streams, batch, window
      printf "\"target_events_per_s\":200000,\"events_met\":%s,", \
        (goals_rate >= 200000) ? "true" : "false"
      printf "\"target_ratio\":0.4,\"ratio_met\":%s}\n", (ratio >= 0.4) ? "true" : "false"
    }'
}

# Uses max_events_per_s when run_ingest set it; otherwise measures it with one unpaced run.
run_latency() {
  start_fresh_goals "$work/goals-latency.log"
  seed
  local max_line half_line
  if [[ -z "${max_events_per_s:-}" ]]; then
    max_line="$(ingest_load goals ingest_goals_max)"
    echo "$max_line"
    max_events_per_s="$(json_number "$max_line" events_per_s)"
  fi
  local rate
  rate="$(awk -v max="$max_events_per_s" 'BEGIN { printf "%d", max / 2 }')"
  [[ "$rate" -gt 0 ]] || die "the maximum rate is 0 events/s; see the lines above"
  half_line="$(ingest_load goals ingest_goals_half_rate --rate "$rate")"
  echo "$half_line"
  stop_goals
  awk -v max="$max_events_per_s" -v rate="$rate" \
    -v achieved="$(json_number "$half_line" events_per_s)" \
    -v p50="$(json_number "$half_line" ack_p50_ms)" \
    -v p99="$(json_number "$half_line" ack_p99_ms)" \
    -v max_ms="$(json_number "$half_line" ack_max_ms)" \
    -v errors="$(json_number "$half_line" errors)" 'BEGIN {
      printf "{\"bench\":\"ingest_latency\",\"max_events_per_s\":%.1f,\"rate\":%d,", max, rate
      printf "\"events_per_s\":%.1f,\"ack_p50_ms\":%.2f,\"ack_p99_ms\":%.2f,\"ack_max_ms\":%.2f,", \
        achieved, p50, p99, max_ms
      printf "\"errors\":%d,\"target_p99_ms\":50,\"met\":%s}\n", errors, \
        (p99 <= 50 && achieved >= 0.95 * rate) ? "true" : "false"
    }'
}

run_feed() {
  start_fresh_goals "$work/goals-feed.log"
  seed
  local feed_line
  feed_line="$("$bin/okr-feed-load" --target "127.0.0.1:$goals_port" --token "$admin_token" \
    --ingest-token "$ingest_token" --followers "$followers" --changes-per-s "$changes_per_s" \
    --writer-streams "$writer_streams" --writer-batch "$writer_batch" --max-batch "$max_batch" \
    --metric-keys "$metric_keys" --duration "$feed_duration" --warmup "$feed_warmup" \
    --server-pid "$goals_pid")"
  echo "$feed_line"
  stop_goals
  awk -v followers="$followers" -v target="$changes_per_s" \
    -v rate="$(json_number "$feed_line" changes_per_s)" \
    -v p99="$(json_number "$feed_line" lag_p99_ms)" \
    -v max_ms="$(json_number "$feed_line" max_lag_ms)" \
    -v missing="$(json_number "$feed_line" changes_missing)" 'BEGIN {
      printf "{\"bench\":\"feed_summary\",\"followers\":%d,\"changes_per_s\":%.1f,", followers, rate
      printf "\"target_changes_per_s\":%d,\"lag_p99_ms\":%.2f,\"max_lag_ms\":%.2f,", \
        target, p99, max_ms
      printf "\"changes_missing\":%d,\"target_lag_p99_ms\":100,\"met\":%s}\n", missing, \
        (p99 <= 100 && rate >= 0.95 * target && missing == 0) ? "true" : "false"
    }'
}

run_ceiling() {
  start_echo "${max_unacked_flag[@]}"
  local line rates=()
  for _ in $(seq 1 "$rounds"); do
    line="$(ingest_load echo ingest_echo)"
    echo "$line"
    rates+=("$(json_number "$line" events_per_s)")
  done
  stop_echo
  echo "{\"bench\":\"ingest_ceiling\",\"ceiling_events_per_s\":$(median "${rates[@]}"),\"rounds\":$rounds}"
}

case "$mode" in
  ingest) run_ingest ;;
  latency) run_latency ;;
  feed) run_feed ;;
  ceiling) run_ceiling ;;
  all)
    run_ingest
    run_latency
    run_feed
    ;;
esac
