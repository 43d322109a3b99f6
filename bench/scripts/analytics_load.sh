#!/usr/bin/env bash
# Load benchmark of okr-analytics on loopback, measured against ceilings started in the same
# invocation (the machines are shared, so ratios are what compare).
#
#   bench/scripts/analytics_load.sh   redis-server, okr-goals, okr-feedback and okr-analytics on
#                                     loopback; an org seeded through the public RPCs (people,
#                                     teams in a 4-ary tree with leads and managers, one ACTIVE
#                                     cycle, individual objectives aligned to their team's
#                                     objective, NUMERIC key results, check-ins, feedback). Then:
#     1. cache hit: ROUNDS alternating rounds of GetTeamSummary (every team, with and without its
#        sub-teams, answered from analytics' memory: --memory-max-age MEMORY_MAX_AGE) and an echo
#        of the same sizes, same concurrency, channels and threads;
#     2. GetTeamSummary at half its measured maximum rate (okr-loadgen --rate, open loop), and the
#        echo at the same rate;
#     3. redis-benchmark GET on the same redis-server, for scale;
#     4. freshness lag: durable CreateCheckIn at its maximum (then how long analytics takes to
#        show a new check-in: its backlog after that burst), then at half of it (or CHECK_IN_RATE)
#        while the team summaries are read at DASHBOARD_RATE (open dashboards keep them hot) and a
#        probe checks in on its own key result every 20 ms with growing values and polls
#        GetObjectiveRollup of its objective and GetTeamSummary of its team every 2 ms: the time
#        from each check-in's ack to the first answer that shows it;
#     5. rebuild: the first read of the seeded tenant by the fresh analytics (it waits for the
#        snapshot), and with LARGE=1 the same for a tenant of LARGE_PEOPLE people, LARGE_TEAMS
#        teams, LARGE_OBJECTIVES objectives with LARGE_KEY_RESULTS_PER_OBJECTIVE key results each,
#        read by a second fresh analytics, with its VmRSS and VmHWM.
#   One JSON line per measurement, then a summary line with the ratios and targets.
#
# Binaries come from OKR_BIN_DIR (default build/bench/bin, from
#   cmake --preset bench && cmake --build --preset bench --target okr-goals okr-feedback \
#     okr-analytics okr-token okr-loadgen okr-goals-seed okr-echo-server).
# Needs redis-server, redis-benchmark, protoc, grpc_python_plugin and /usr/bin/python3 with
# python3-grpcio and python3-protobuf (the probe's stubs are generated as the contract tests do).
# Settings (environment): DURATION (10s), WARMUP (2s), CONCURRENCY (64), CHANNELS (2), THREADS (1),
# ROUNDS (3), PEOPLE (200), TEAMS (20), OBJECTIVES (400), KEY_RESULTS_PER_OBJECTIVE (3),
# CHECK_IN_SECONDS (3: check-ins before analytics starts), FEEDBACK_SECONDS (2), MEMORY_MAX_AGE
# (1h), CHECK_IN_RATE (empty: half the measured maximum), DASHBOARD_RATE (50/s),
# FRESHNESS_SAMPLES (500 per read kind), FRESHNESS_SECONDS (30), LARGE (1), LARGE_PEOPLE (10000),
# LARGE_TEAMS (1000), LARGE_OBJECTIVES (50000), LARGE_KEY_RESULTS_PER_OBJECTIVE (4),
# ANALYTICS_FLAGS (more okr-analytics flags, e.g. "--db-synchronous normal"), LOG_LEVEL (info),
# KEEP_WORK (1: keep the temp dir).
# Targets: GetTeamSummary from memory >= 0.6x echo QPS; p99 <= 2 ms at half the maximum rate;
# freshness lag p99 <= 1 s (the freshness bound); rebuild of 10k people / 50k objectives / 200k
# key results <= 10 s.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=bench/scripts/bench_lib.sh
source "$repo/bench/scripts/bench_lib.sh"
people="${PEOPLE:-200}"
teams="${TEAMS:-20}"
objectives="${OBJECTIVES:-400}"
key_results_per_objective="${KEY_RESULTS_PER_OBJECTIVE:-3}"
check_in_seconds="${CHECK_IN_SECONDS:-3}"
feedback_seconds="${FEEDBACK_SECONDS:-2}"
memory_max_age="${MEMORY_MAX_AGE:-1h}"
check_in_rate="${CHECK_IN_RATE:-}"
dashboard_rate="${DASHBOARD_RATE:-50}"
freshness_samples="${FRESHNESS_SAMPLES:-500}"
freshness_seconds="${FRESHNESS_SECONDS:-30}"
large="${LARGE:-1}"
large_people="${LARGE_PEOPLE:-10000}"
large_teams="${LARGE_TEAMS:-1000}"
large_objectives="${LARGE_OBJECTIVES:-50000}"
large_key_results_per_objective="${LARGE_KEY_RESULTS_PER_OBJECTIVE:-4}"
read -r -a analytics_flags <<<"${ANALYTICS_FLAGS:-}"


case "${1:-}" in
  "") ;;
  -h | --help) print_help ;;
  *) die "unknown argument '$1'" ;;
esac

for tool in redis-server redis-benchmark protoc grpc_python_plugin; do
  command -v "$tool" >/dev/null || die "$tool is missing"
done
[[ -x /usr/bin/python3 ]] || die "/usr/bin/python3 is missing"

work="$(mktemp -d "${TMPDIR:-/tmp}/okr-analytics-load.XXXXXX")"
trap cleanup EXIT
require_tools okr-goals okr-feedback okr-analytics okr-token okr-loadgen okr-goals-seed \
  okr-echo-server

# The probe: org set-up the seeder does not do, first-read timing and the freshness lag, in
# Python with stubs generated from proto/ the way tests/contract does it.
cat >"$work/analytics_client.py" <<'PY'
"""analytics_load.sh's gRPC client: org set-up (teams, members, team objectives, alignment, the
freshness probe's own person, team, objective and key result), the time to the first answer of a
fresh analytics, where answers come from, and the freshness lag after check-ins."""
import argparse
import importlib
import json
import math
import os
import sys
import threading
import time

import grpc


def load_stubs(repo, out_dir):
    sys.path.insert(0, os.path.join(repo, "tests", "contract"))
    os.environ.setdefault("OKR_SOURCE_DIR", repo)
    import contract_support
    if os.path.isdir(os.path.join(out_dir, "okr")):
        sys.path.insert(0, out_dir)
    else:
        contract_support.generate_stubs(
            out_dir, ["okr/org/v1/*.proto", "okr/goals/v1/*.proto", "okr/analytics/v1/*.proto"])
    names = ["okr.org.v1.org_service", "okr.goals.v1.goals_service",
             "okr.analytics.v1.analytics_service"]
    stubs = {n.split(".")[1]: (importlib.import_module(n + "_pb2"),
                               importlib.import_module(n + "_pb2_grpc")) for n in names}
    stubs["aggregates"] = importlib.import_module("okr.analytics.v1.aggregates_pb2")
    return stubs


def emit(line):
    """One JSON line in the form the shell's json_number reads (no spaces)."""
    print(json.dumps(line, separators=(",", ":")), flush=True)


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return 0.0
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def ms(seconds):
    return round(seconds * 1000.0, 3)


class Org:
    """People p0..pN-1 (created by okr-goals-seed) in teams t0..tT-1: team j has the block of
    people from j*block on (the last one the rest), led by the first of them; the teams form a
    4-ary tree under t0; a lead reports to the parent team's lead, everyone else to their lead."""

    def __init__(self, people, teams):
        self.people, self.teams = people, teams
        self.block = max(1, people // teams)

    def team_of(self, i):
        return min(i // self.block, self.teams - 1)

    def lead(self, j):
        return j * self.block

    @staticmethod
    def parent(j):
        return (j - 1) // 4 if j > 0 else None

    def manager(self, i):
        j = self.team_of(i)
        if i != self.lead(j):
            return self.lead(j)
        return None if j == 0 else self.lead(self.parent(j))


def windowed(calls, window=64):
    """Runs the futures `calls` yields with at most `window` in flight; raises the first error."""
    pending = []
    for start in calls:
        pending.append(start())
        if len(pending) >= window:
            pending.pop(0).result()
    for f in pending:
        f.result()


def setup_org(args, stubs):
    org_pb, org_rpc = stubs["org"]
    goals_pb, goals_rpc = stubs["goals"]
    channel = grpc.insecure_channel(args.goals)
    orgs, goals = org_rpc.OrgServiceStub(channel), goals_rpc.GoalsServiceStub(channel)
    md = [("authorization", "Bearer " + args.token)]
    o = Org(args.people, args.teams)
    started = time.monotonic()
    teams = [dict(name="teams/t%d" % j, display_name="Bench team %d" % j,
                         parent="" if j == 0 else "teams/t%d" % o.parent(j),
                         lead="people/p%d" % o.lead(j), state="TEAM_STATE_ACTIVE")
             for j in range(o.teams)]
    for b in range(0, len(teams), 1000):
        orgs.BatchUpsertTeams(org_pb.BatchUpsertTeamsRequest(teams=teams[b:b + 1000]),
                              metadata=md, timeout=60)
    people = []
    for i in range(o.people):
        m = o.manager(i)
        people.append(dict(
            name="people/p%d" % i, display_name="Bench Person %d" % i,
            email="p%d@bench.example" % i, manager="" if m is None else "people/p%d" % m,
            teams=["teams/t%d" % o.team_of(i)], state="PERSON_STATE_ACTIVE"))
    people.append(dict(name="people/probe", display_name="Freshness Probe",
                                email="probe@bench.example", state="PERSON_STATE_ACTIVE"))
    for b in range(0, len(people), 1000):
        orgs.BatchUpsertPeople(org_pb.BatchUpsertPeopleRequest(people=people[b:b + 1000]),
                               metadata=md, timeout=60)
    orgs.BatchUpsertTeams(org_pb.BatchUpsertTeamsRequest(teams=[dict(
        name="teams/probe", display_name="Freshness probe", lead="people/probe",
        state="TEAM_STATE_ACTIVE")]), metadata=md, timeout=60)
    orgs.BatchUpsertPeople(org_pb.BatchUpsertPeopleRequest(people=[dict(
        name="people/probe", display_name="Freshness Probe", email="probe@bench.example",
        teams=["teams/probe"], state="PERSON_STATE_ACTIVE")]), metadata=md, timeout=60)

    def objective(**fields):
        return goals.CreateObjective(goals_pb.CreateObjectiveRequest(objective=dict(
            cycle=args.cycle, kind="OBJECTIVE_KIND_COMMITTED",
            visibility="OBJECTIVE_VISIBILITY_PUBLIC", state="OBJECTIVE_STATE_ACTIVE", **fields)),
            metadata=md, timeout=60).name

    team_objectives = []
    for j in range(o.teams):  # Parents come first: parent(j) < j.
        team_objectives.append(objective(
            title="Team %d delivers its quarter" % j, owner_team="teams/t%d" % j,
            level="OBJECTIVE_LEVEL_TEAM", rollup_children=True,
            parent="" if j == 0 else team_objectives[o.parent(j)]))
    with open(args.objectives_file) as f:
        individual = [line.strip() for line in f if line.strip()]

    def align(i, name):
        request = goals_pb.UpdateObjectiveRequest(
            objective=dict(name=name,
                                         parent=team_objectives[o.team_of(i % o.people)]))
        request.update_mask.paths.append("parent")
        return lambda: goals.UpdateObjective.future(request, metadata=md, timeout=60)

    windowed(align(i, name) for i, name in enumerate(individual))
    probe_objective = objective(title="Freshness probe", owner_person="people/probe",
                                level="OBJECTIVE_LEVEL_INDIVIDUAL")
    probe_key_result = goals.CreateKeyResult(goals_pb.CreateKeyResultRequest(
        parent=probe_objective, key_result=dict(
            title="Probe value", owner="people/probe", type="KEY_RESULT_TYPE_NUMERIC",
            direction="KEY_RESULT_DIRECTION_INCREASE", unit="points", start_value=0,
            target_value=args.probe_scale)), metadata=md, timeout=60).name
    emit({
        "bench": "org", "people": o.people, "teams": o.teams, "team_objectives":
        len(team_objectives), "aligned_objectives": len(individual),
        "seconds": round(time.monotonic() - started, 2), "root_objective": team_objectives[0],
        "probe_objective": probe_objective, "probe_key_result": probe_key_result})


def first_read(args, stubs):
    pb, rpc = stubs["analytics"]
    analytics = rpc.AnalyticsServiceStub(grpc.insecure_channel(args.analytics))
    md = [("authorization", "Bearer " + args.token)]
    request = pb.GetTeamSummaryRequest(team=args.team, cycle=args.cycle, include_sub_teams=True)
    started = time.monotonic()
    attempts, last_error = 0, ""
    while True:
        attempts += 1
        try:
            answer = analytics.GetTeamSummary(request, metadata=md, timeout=args.timeout,
                                              wait_for_ready=True)
            break
        except grpc.RpcError as e:
            last_error = "%s: %s" % (e.code().name, e.details())
            if e.code() != grpc.StatusCode.UNAVAILABLE or \
                    time.monotonic() - started > args.timeout:
                emit({"bench": "first_read", "error": last_error, "attempts": attempts})
                return 1
            time.sleep(0.05)
    seconds = time.monotonic() - started
    # Then the tenant-wide figure twice: computed from the facts, then (unchanged) from memory.
    cycle_request = pb.GetCycleSummaryRequest(cycle=args.cycle)
    timings, sources = [], []
    for _ in range(2):
        t = time.monotonic()
        summary = analytics.GetCycleSummary(cycle_request, metadata=md, timeout=60)
        timings.append(ms(time.monotonic() - t))
        sources.append(stubs["aggregates"].ValueSource.Name(summary.freshness.source))
    emit({
        "bench": "first_read", "team": args.team, "seconds": round(seconds, 3),
        "attempts": attempts, "unavailable_before": last_error,
        "state": stubs["aggregates"].FreshnessState.Name(answer.freshness.state),
        "team_objectives": answer.goals.objective_count, "members": answer.member_count,
        "cycle_objectives": summary.goals.objective_count,
        "cycle_key_results": summary.goals.key_result_count,
        "cycle_summary_ms": timings, "cycle_summary_sources": sources})
    return 0


def sources(args, stubs):
    pb, rpc = stubs["analytics"]
    analytics = rpc.AnalyticsServiceStub(grpc.insecure_channel(args.analytics))
    md = [("authorization", "Bearer " + args.token)]
    seen = {}
    for team in args.teams:
        for sub in (False, True):
            answer = analytics.GetTeamSummary(pb.GetTeamSummaryRequest(
                team=team, cycle=args.cycle, include_sub_teams=sub), metadata=md, timeout=10)
            name = stubs["aggregates"].ValueSource.Name(answer.freshness.source)
            seen[name] = seen.get(name, 0) + 1
    emit({"bench": "sources", "team_summaries": seen})


def probe_value(analytics, request, reader, scale):
    """The probe's last check-in value as the objective roll-up shows it."""
    answer = analytics.GetObjectiveRollup(request, metadata=reader, timeout=10)
    return int(round(answer.progress * scale))


def catch_up(args, stubs):
    """How long until a check-in acknowledged now shows in analytics: after a burst of writes,
    how far behind its feeds analytics is."""
    goals_pb, goals_rpc = stubs["goals"]
    pb, rpc = stubs["analytics"]
    goals = goals_rpc.GoalsServiceStub(grpc.insecure_channel(args.goals))
    analytics = rpc.AnalyticsServiceStub(grpc.insecure_channel(args.analytics))
    writer = [("authorization", "Bearer " + args.writer_token)]
    reader = [("authorization", "Bearer " + args.token)]
    request = pb.GetObjectiveRollupRequest(objective=args.objective)
    value = probe_value(analytics, request, reader, args.scale) + 1
    goals.CreateCheckIn(goals_pb.CreateCheckInRequest(
        parent=args.key_result, check_in=dict(value=value)), metadata=writer, timeout=10)
    acked = time.monotonic()
    while probe_value(analytics, request, reader, args.scale) < value:
        if time.monotonic() - acked > args.max_seconds:
            emit({"bench": "catch_up", "seconds": None, "timed_out_after": args.max_seconds})
            return 1
        time.sleep(0.005)
    emit({"bench": "catch_up", "seconds": round(time.monotonic() - acked, 3)})
    return 0


def freshness(args, stubs):
    """A sender checks in on the probe's key result every `gap` seconds with values 1, 2, 3, ...
    (target 1e6, so the objective's progress is value / 1e6 and only grows); two pollers read the
    probe's objective roll-up and its team's summary every `poll` seconds. A check-in's lag is the
    time from its ack to the first answer showing it or a later one (0 when an answer showed it
    before the ack reached the sender). Also counts answers marked CURRENT while missing a
    check-in acknowledged more than `bound` seconds earlier."""
    goals_pb, goals_rpc = stubs["goals"]
    pb, rpc = stubs["analytics"]
    names = stubs["aggregates"]
    goals = goals_rpc.GoalsServiceStub(grpc.insecure_channel(args.goals))
    writer = [("authorization", "Bearer " + args.writer_token)]
    reader = [("authorization", "Bearer " + args.token)]
    lock = threading.Lock()
    acks, ack_seconds = {}, []
    kinds = ("rollup", "team")
    seen = {k: {} for k in kinds}
    highest = {k: 0 for k in kinds}
    polls = {k: 0 for k in kinds}
    states = {}
    current_but_behind = [0]
    worst_reported_staleness = [0.0]
    stop = threading.Event()

    def poller(kind):
        analytics = rpc.AnalyticsServiceStub(grpc.insecure_channel(args.analytics))
        rollup = pb.GetObjectiveRollupRequest(objective=args.objective)
        team = pb.GetTeamSummaryRequest(team=args.team, cycle=args.cycle)
        while not stop.is_set():
            if kind == "rollup":
                answer = analytics.GetObjectiveRollup(rollup, metadata=reader, timeout=10)
                progress = answer.progress
            else:
                answer = analytics.GetTeamSummary(team, metadata=reader, timeout=10)
                progress = answer.goals.average_progress
            now = time.monotonic()
            value = int(round(progress * args.scale))
            state = names.FreshnessState.Name(answer.freshness.state)
            staleness = answer.freshness.staleness.seconds + answer.freshness.staleness.nanos / 1e9
            with lock:
                polls[kind] += 1
                states[state] = states.get(state, 0) + 1
                worst_reported_staleness[0] = max(worst_reported_staleness[0], staleness)
                for v in range(highest[kind] + 1, value + 1):
                    seen[kind][v] = now
                highest[kind] = max(highest[kind], value)
                missing = acks.get(highest[kind] + 1)
                if missing is not None and now - missing > args.bound and \
                        state == "FRESHNESS_STATE_CURRENT":
                    current_but_behind[0] += 1
            time.sleep(args.poll)

    threads = [threading.Thread(target=poller, args=(k,), daemon=True) for k in kinds]
    for t in threads:
        t.start()
    analytics = rpc.AnalyticsServiceStub(grpc.insecure_channel(args.analytics))
    value = probe_value(analytics, pb.GetObjectiveRollupRequest(objective=args.objective), reader,
                        args.scale)
    with lock:
        for kind in kinds:
            highest[kind] = value
    started = time.monotonic()
    while time.monotonic() - started < args.max_seconds:
        with lock:
            done = min(sum(1 for v in acks if v in seen[k]) for k in kinds)
        if done >= args.samples:
            break
        value += 1
        sent = time.monotonic()
        goals.CreateCheckIn(goals_pb.CreateCheckInRequest(
            parent=args.key_result, check_in=dict(value=value)), metadata=writer, timeout=10)
        acked = time.monotonic()
        with lock:
            acks[value] = acked
        ack_seconds.append(acked - sent)
        time.sleep(max(0.0, args.gap - (acked - sent)))
    sending = time.monotonic() - started
    # Give the last check-ins time to show, then stop the pollers.
    grace = time.monotonic()
    while time.monotonic() - grace < 10:
        with lock:
            if all(highest[k] >= value for k in kinds):
                break
        time.sleep(0.01)
    stop.set()
    for t in threads:
        t.join(timeout=15)
    line = {"bench": "freshness_lag", "seconds": round(sending, 1), "probe_check_ins": value,
            "probe_ack_p50_ms": ms(percentile(ack_seconds, 0.5)),
            "probe_ack_p99_ms": ms(percentile(ack_seconds, 0.99)),
            "poll_interval_ms": ms(args.poll), "polls": polls, "states": states,
            "current_but_behind_bound": current_but_behind[0],
            "worst_reported_staleness_ms": ms(worst_reported_staleness[0])}
    both = []
    for kind in kinds:
        lags = [max(0.0, seen[kind][v] - acks[v]) for v in acks if v in seen[kind]]
        both += lags
        line[kind + "_samples"] = len(lags)
        line[kind + "_unseen"] = len(acks) - len(lags)
        for name, fraction in (("p50", 0.5), ("p90", 0.9), ("p99", 0.99), ("max", 1.0)):
            line["%s_lag_%s_ms" % (kind, name)] = ms(percentile(lags, fraction))
    line["lag_p50_ms"] = ms(percentile(both, 0.5))
    line["lag_p99_ms"] = ms(percentile(both, 0.99))
    emit(line)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repo", required=True)
    parser.add_argument("--stubs", required=True)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("org")
    for flag in ("--goals", "--token", "--cycle", "--objectives-file"):
        p.add_argument(flag, required=True)
    p.add_argument("--people", type=int, required=True)
    p.add_argument("--teams", type=int, required=True)
    p.add_argument("--probe-scale", type=float, default=1e6)
    p = sub.add_parser("first-read")
    for flag in ("--analytics", "--token", "--team", "--cycle"):
        p.add_argument(flag, required=True)
    p.add_argument("--timeout", type=float, default=600)
    p = sub.add_parser("sources")
    for flag in ("--analytics", "--token", "--cycle"):
        p.add_argument(flag, required=True)
    p.add_argument("--teams", nargs="+", required=True)
    p = sub.add_parser("freshness")
    for flag in ("--goals", "--analytics", "--token", "--writer-token", "--objective",
                 "--key-result", "--team", "--cycle"):
        p.add_argument(flag, required=True)
    p.add_argument("--samples", type=int, default=500)
    p.add_argument("--max-seconds", type=float, default=30)
    p.add_argument("--gap", type=float, default=0.02, help="seconds between probe check-ins")
    p.add_argument("--poll", type=float, default=0.002, help="seconds between polls")
    p.add_argument("--bound", type=float, default=1.0, help="the freshness bound, seconds")
    p.add_argument("--scale", type=float, default=1e6, help="the probe key result's target")
    p = sub.add_parser("catch-up")
    for flag in ("--goals", "--analytics", "--token", "--writer-token", "--objective",
                 "--key-result"):
        p.add_argument(flag, required=True)
    p.add_argument("--max-seconds", type=float, default=300)
    p.add_argument("--scale", type=float, default=1e6)
    args = parser.parse_args()
    stubs = load_stubs(args.repo, args.stubs)
    command = {"org": setup_org, "first-read": first_read, "sources": sources,
               "catch-up": catch_up, "freshness": freshness}[args.command]
    return command(args, stubs) or 0


if __name__ == "__main__":
    sys.exit(main())
PY
client() { /usr/bin/python3 "$work/analytics_client.py" --repo "$repo" --stubs "$work/py" "$@"; }

# free_port: a loopback port nothing listens on (the caller may still lose a race for it).
free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    port_open "$port" || {
      echo "$port"
      return 0
    }
  done
  die "no free port found"
}

# cpu_seconds <pid>: user + system CPU time of a process so far.
cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / hz }' \
    "/proc/$1/stat"
}

# metrics <port> <name>: the series of one metric from a /metrics endpoint, on one line.
metrics() {
  curl -s "http://127.0.0.1:$1/metrics" | grep "^$2" | tr '\n' ' ' || true
}

# start_analytics <log> <db>: a fresh okr-analytics following goals and feedback, with the Redis
# cache; sets analytics_pid, analytics_port and analytics_metrics_port.
start_analytics() {
  analytics_metrics_port="$(free_port)"
  start_server analytics "$1" "$2" --goals-address "127.0.0.1:$goals_port" \
    --feedback-address "127.0.0.1:$feedback_port" --redis "127.0.0.1:$redis_port" \
    --memory-max-age "$memory_max_age" --metrics-listen "127.0.0.1:$analytics_metrics_port" \
    "${analytics_flags[@]}"
  analytics_pid="$server_pid"
  analytics_port="$server_port"
}

# log_problems <log>: counts of warn and error lines and the distinct messages of those lines.
log_problems() {
  local warn error
  warn="$(grep -c '"level":"warning"' "$1" || true)"
  error="$(grep -c '"level":"error"' "$1" || true)"
  echo "$(basename "$1"): $warn warn, $error error lines" >&2
  grep -E '"level":"(warning|error|critical)"' "$1" | grep -o '"msg":"[^"]*"' | sort | uniq -c |
    head -10 >&2 || true
  grep '"rebuilt from a snapshot"' "$1" | grep -o '"feed":"[a-z]*"\|"seconds":"[0-9.e-]*"' |
    paste -sd' ' >&2 || true
}

use_fresh_jwt_secret
# people/p0 (created by the seeder) administers tenant "bench"; people/p1 reads the aggregates.
admin_token="$("$bin/okr-token" --tenant bench --subject p0 --roles admin --ttl 12h)"
reader_token="$("$bin/okr-token" --tenant bench --subject p1 --ttl 12h)"
author_token="$("$bin/okr-token" --tenant bench --subject p2 --ttl 12h)"

echo "# $(date -u +%FT%TZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), bin $bin" >&2
redis_port="$(free_port)"
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$work" --save '' --appendonly no \
  --daemonize no >"$work/redis.log" 2>&1 &
redis_pid=$!
pids+=("$redis_pid")
for _ in $(seq 1 100); do
  port_open "$redis_port" && break
  kill -0 "$redis_pid" 2>/dev/null || die "redis-server exited: $(tail -3 "$work/redis.log")"
  sleep 0.1
done
# shellcheck disable=SC2119  # start_echo takes the echo server's flags, none here
start_echo
start_goals "$work/goals.log" "$work/goals.db"
start_server feedback "$work/feedback.log" "$work/feedback.db" \
  --goals-address "127.0.0.1:$goals_port"
feedback_port="$server_port"

# --- The org: people, cycle, objectives and key results by the seeder; the rest by the client.
seed="$("$bin/okr-goals-seed" --target "127.0.0.1:$goals_port" --token "$admin_token" \
  --people "$people" --objectives "$objectives" \
  --key-results-per-objective "$key_results_per_objective" \
  --objectives-out "$work/objectives.txt" --key-results-out "$work/key_results.txt")"
echo "$seed"
cycle="$(grep -o '"cycle":"[^"]*"' <<<"$seed" | cut -d'"' -f4)"
[[ -n "$cycle" && -s "$work/key_results.txt" ]] || die "the seeder created nothing"
org="$(client org --goals "127.0.0.1:$goals_port" --token "$admin_token" --cycle "$cycle" \
  --people "$people" --teams "$teams" --objectives-file "$work/objectives.txt")"
echo "$org"
probe_objective="$(grep -o '"probe_objective":"[^"]*"' <<<"$org" | cut -d'"' -f4)"
probe_key_result="$(grep -o '"probe_key_result":"[^"]*"' <<<"$org" | cut -d'"' -f4)"
awk '{ printf "parent: \"%s\" check_in { value: %d confidence: %d }\n", $0, (NR * 37) % 120, \
  NR % 11 }' "$work/key_results.txt" >"$work/create_check_in.txt"
"$bin/okr-loadgen" --target "127.0.0.1:$goals_port" --bench seed_check_ins \
  --method okr.goals.v1.GoalsService/CreateCheckIn --token "$admin_token" --concurrency 16 \
  --duration "${check_in_seconds}s" --warmup 0s --request-file "$work/create_check_in.txt"
awk -v people="$people" 'BEGIN {
  for (i = 0; i < 4 * people; i++) {
    r = (i * 7 + 1) % people
    if (r == 2) r = 3
    kind = (i % 3 == 0) ? "FEEDBACK_KIND_RECOGNITION" : "FEEDBACK_KIND_PRAISE"
    printf "feedback { recipient: \"people/p%d\" kind: %s visibility: FEEDBACK_VISIBILITY_PUBLIC ", r, kind
    printf "body: \"Thanks for the help with the quarter planning\" }\n"
  }
}' >"$work/create_feedback.txt"
"$bin/okr-loadgen" --target "127.0.0.1:$feedback_port" --bench seed_feedback \
  --method okr.feedback.v1.FeedbackService/CreateFeedback --token "$author_token" \
  --concurrency 8 --duration "${feedback_seconds}s" --warmup 0s \
  --request-file "$work/create_feedback.txt"

# --- Rebuild of the seeded tenant: the fresh analytics' first read waits for the snapshot.
start_analytics "$work/analytics.log" "$work/analytics.db"
first_small="$(client first-read --analytics "127.0.0.1:$analytics_port" --token "$reader_token" \
  --team teams/t0 --cycle "$cycle")"
echo "$first_small"
small_hwm="$(proc_kib "$analytics_pid" VmHWM)"

# --- 1. Cache hit: every team with and without its sub-teams, in rotation, from memory.
for ((j = 0; j < teams; j++)); do
  printf 'team: "teams/t%d" cycle: "%s"\nteam: "teams/t%d" cycle: "%s" include_sub_teams: true\n' \
    "$j" "$cycle" "$j" "$cycle"
done >"$work/team_summary.txt"
request_sample="$(head -1 "$work/team_summary.txt" | sed 's/"/\\"/g')"
echo_qps=() team_qps=() echo_cpu=() team_cpu=() team_errors=0 team_bytes=0
for r in $(seq 1 "$rounds"); do
  line="$(loadgen "$analytics_port" --bench team_summary_memory \
    --method okr.analytics.v1.AnalyticsService/GetTeamSummary --token "$reader_token" \
    --server-pid "$analytics_pid" --request-file "$work/team_summary.txt")"
  echo "$line"
  team_qps+=("$(json_number "$line" qps)")
  team_cpu+=("$(json_number "$line" server_cpu_us_per_call)")
  team_errors=$((team_errors + $(json_number "$line" errors)))
  team_bytes="$(json_number "$line" response_bytes)"
  [[ "$r" == 1 ]] && client sources --analytics "127.0.0.1:$analytics_port" \
    --token "$reader_token" --cycle "$cycle" --teams teams/t0 teams/t1 "teams/t$((teams - 1))"
  line="$(loadgen "$echo_port" --bench echo_team_summary --method okr.bench.v1.EchoService/Echo \
    --server-pid "$echo_pid" --request "payload: \"$request_sample\" response_size: $team_bytes")"
  echo "$line"
  echo_qps+=("$(json_number "$line" qps)")
  echo_cpu+=("$(json_number "$line" server_cpu_us_per_call)")
done
echo "# reads: $(metrics "$analytics_metrics_port" okr_analytics_aggregate_reads_total)" >&2
team_max="$(median "${team_qps[@]}")"

# --- 2. Latency at half the maximum rate (open loop), and the echo at the same rate.
half_rate="$(awk -v max="$team_max" 'BEGIN { printf "%d", max / 2 }')"
[[ "$half_rate" -gt 0 ]] || die "GetTeamSummary's maximum rate is 0; see the lines above"
half_line="$(loadgen "$analytics_port" --bench team_summary_half_rate --rate "$half_rate" \
  --method okr.analytics.v1.AnalyticsService/GetTeamSummary --token "$reader_token" \
  --server-pid "$analytics_pid" --request-file "$work/team_summary.txt")"
echo "$half_line"
echo_half_line="$(loadgen "$echo_port" --bench echo_half_rate --rate "$half_rate" \
  --method okr.bench.v1.EchoService/Echo --server-pid "$echo_pid" \
  --request "payload: \"$request_sample\" response_size: $team_bytes")"
echo "$echo_half_line"

# --- 3. The Redis ceiling, for scale.
redis_csv="$(redis-benchmark -h 127.0.0.1 -p "$redis_port" -t get -n 200000 -c 50 --csv |
  grep '^"GET"' | tr -d '"')"
echo "{\"bench\":\"redis_benchmark_get\",\"csv\":\"$redis_csv\"}"
redis_get_qps="$(cut -d, -f2 <<<"$redis_csv")"
redis_get_p99="$(cut -d, -f7 <<<"$redis_csv")"

# --- 4. Freshness lag while goals takes check-ins at half its maximum durable rate.
max_line="$(loadgen "$goals_port" --bench create_check_in_max \
  --method okr.goals.v1.GoalsService/CreateCheckIn --token "$admin_token" \
  --server-pid "$goals_pid" --request-file "$work/create_check_in.txt")"
echo "$max_line"
check_in_max="$(json_number "$max_line" qps)"
# Analytics follows that burst as fast as it can; the freshness phase starts once it caught up.
catch_up_line="$(client catch-up --goals "127.0.0.1:$goals_port" \
  --analytics "127.0.0.1:$analytics_port" --token "$reader_token" --writer-token "$admin_token" \
  --objective "$probe_objective" --key-result "$probe_key_result")"
echo "$catch_up_line"
[[ -n "$check_in_rate" ]] ||
  check_in_rate="$(awk -v max="$check_in_max" 'BEGIN { printf "%d", max / 2 }')"
[[ "$check_in_rate" -gt 0 ]] || die "CreateCheckIn's maximum rate is 0; see the lines above"
analytics_cpu_start="$(cpu_seconds "$analytics_pid")"
"$bin/okr-loadgen" --target "127.0.0.1:$goals_port" --bench create_check_in_background \
  --method okr.goals.v1.GoalsService/CreateCheckIn --token "$admin_token" --rate "$check_in_rate" \
  --concurrency "$concurrency" --channels "$channels" --duration "${freshness_seconds}s" \
  --warmup 0s --server-pid "$goals_pid" --request-file "$work/create_check_in.txt" \
  >"$work/background.json" &
background_pid=$!
pids+=("$background_pid")
"$bin/okr-loadgen" --target "127.0.0.1:$analytics_port" --bench team_summary_dashboards \
  --method okr.analytics.v1.AnalyticsService/GetTeamSummary --token "$reader_token" \
  --rate "$dashboard_rate" --concurrency 16 --duration "${freshness_seconds}s" --warmup 0s \
  --request-file "$work/team_summary.txt" >"$work/dashboards.json" &
dashboards_pid=$!
pids+=("$dashboards_pid")
sleep 2
lag_line="$(client freshness --goals "127.0.0.1:$goals_port" \
  --analytics "127.0.0.1:$analytics_port" --token "$reader_token" --writer-token "$admin_token" \
  --objective "$probe_objective" --key-result "$probe_key_result" --team teams/probe \
  --cycle "$cycle" --samples "$freshness_samples" --max-seconds "$((freshness_seconds - 4))")"
echo "$lag_line"
wait "$background_pid" || die "the background check-ins failed"
wait "$dashboards_pid" || die "the dashboard reads failed"
background_line="$(cat "$work/background.json")"
echo "$background_line"
dashboards_line="$(cat "$work/dashboards.json")"
echo "$dashboards_line"
analytics_cpu_share="$(awk -v a="$analytics_cpu_start" -v b="$(cpu_seconds "$analytics_pid")" \
  -v s="$freshness_seconds" 'BEGIN { printf "%.2f", (b - a) / s }')"
echo "# analytics used $analytics_cpu_share cores during the check-in load" >&2
log_problems "$work/analytics.log"
kill -TERM "$analytics_pid" 2>/dev/null || true
wait "$analytics_pid" 2>/dev/null || true

# --- 5. Rebuild at a larger scale: tenant "large", read by a second fresh analytics.
large_line='{}'
if [[ "$large" == 1 ]]; then
  large_admin="$("$bin/okr-token" --tenant large --subject p0 --roles admin --ttl 12h)"
  large_reader="$("$bin/okr-token" --tenant large --subject p1 --ttl 12h)"
  load_start="$(date +%s.%N)"
  large_seed="$("$bin/okr-goals-seed" --target "127.0.0.1:$goals_port" --token "$large_admin" \
    --people "$large_people" --objectives "$large_objectives" \
    --key-results-per-objective "$large_key_results_per_objective" --concurrency 64 \
    --objectives-out "$work/large_objectives.txt" --server-pid "$goals_pid")"
  echo "$large_seed"
  large_cycle="$(grep -o '"cycle":"[^"]*"' <<<"$large_seed" | cut -d'"' -f4)"
  large_org="$(client org --goals "127.0.0.1:$goals_port" --token "$large_admin" \
    --cycle "$large_cycle" --people "$large_people" --teams "$large_teams" \
    --objectives-file "$work/large_objectives.txt")"
  echo "$large_org"
  load_seconds="$(awk -v a="$load_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')"
  start_analytics "$work/analytics-large.log" "$work/analytics-large.db"
  first_large="$(client first-read --analytics "127.0.0.1:$analytics_port" \
    --token "$large_reader" --team teams/t1 --cycle "$large_cycle")"
  echo "$first_large"
  large_rss="$(proc_kib "$analytics_pid" VmRSS)"
  large_hwm="$(proc_kib "$analytics_pid" VmHWM)"
  log_problems "$work/analytics-large.log"
  large_line="$(awk -v people="$large_people" -v teams="$large_teams" \
    -v objectives="$large_objectives" -v krs="$(json_number "$large_seed" key_results)" \
    -v load="$load_seconds" -v first="$(json_number "$first_large" seconds)" \
    -v rss="$large_rss" -v hwm="$large_hwm" 'BEGIN {
      printf "{\"bench\":\"rebuild_large\",\"people\":%d,\"teams\":%d,\"objectives\":%d,", \
        people, teams, objectives
      printf "\"key_results\":%d,\"load_seconds\":%.1f,\"first_read_seconds\":%.2f,", \
        krs, load, first
      printf "\"rss_mib\":%.1f,\"hwm_mib\":%.1f}\n", rss / 1024, hwm / 1024
    }')"
  echo "$large_line"
fi
log_problems "$work/goals.log"
log_problems "$work/feedback.log"

awk -v echo_qps="$(median "${echo_qps[@]}")" -v team_qps="$team_max" \
  -v echo_cpu="$(median "${echo_cpu[@]}")" -v team_cpu="$(median "${team_cpu[@]}")" \
  -v team_errors="$team_errors" -v team_bytes="$team_bytes" -v rounds="$rounds" \
  -v concurrency="$concurrency" -v channels="$channels" -v threads="$threads" \
  -v log_level="$log_level" -v memory_max_age="$memory_max_age" \
  -v half_rate="$half_rate" -v half_qps="$(json_number "$half_line" qps)" \
  -v half_p50="$(json_number "$half_line" p50_us)" -v half_p99="$(json_number "$half_line" p99_us)" \
  -v half_skipped="$(json_number "$half_line" skipped)" \
  -v echo_half_p50="$(json_number "$echo_half_line" p50_us)" \
  -v echo_half_p99="$(json_number "$echo_half_line" p99_us)" \
  -v redis_qps="$redis_get_qps" -v redis_p99="$redis_get_p99" \
  -v check_in_max="$check_in_max" -v check_in_rate="$check_in_rate" \
  -v check_in_achieved="$(json_number "$background_line" qps)" \
  -v check_in_p99="$(json_number "$background_line" p99_us)" \
  -v lag_p50="$(json_number "$lag_line" lag_p50_ms)" -v lag_p99="$(json_number "$lag_line" lag_p99_ms)" \
  -v rollup_samples="$(json_number "$lag_line" rollup_samples)" \
  -v behind="$(json_number "$lag_line" current_but_behind_bound)" \
  -v dashboards_p99="$(json_number "$dashboards_line" p99_us)" \
  -v team_samples="$(json_number "$lag_line" team_samples)" \
  -v analytics_cpu_share="$analytics_cpu_share" \
  -v catch_up="$(json_number "$catch_up_line" seconds)" \
  -v small_first="$(json_number "$first_small" seconds)" -v small_hwm="$small_hwm" \
  -v large_first="$(json_number "$large_line" first_read_seconds)" \
  -v large_objectives="$(json_number "$large_line" objectives)" \
  -v large_hwm="$(json_number "$large_line" hwm_mib)" 'BEGIN {
    ratio = echo_qps > 0 ? team_qps / echo_qps : 0
    printf "{\"bench\":\"analytics_load\",\"concurrency\":%d,\"channels\":%d,\"threads\":%d,", \
      concurrency, channels, threads
    printf "\"log_level\":\"%s\",\"memory_max_age\":\"%s\",\"rounds\":%d,", \
      log_level, memory_max_age, rounds
    printf "\"echo_qps\":%.1f,\"team_summary_memory_qps\":%.1f,\"team_summary_errors\":%d,", \
      echo_qps, team_qps, team_errors
    printf "\"team_summary_bytes\":%d,\"echo_server_cpu_us_per_call\":%.1f,", team_bytes, echo_cpu
    printf "\"team_summary_server_cpu_us_per_call\":%.1f,", team_cpu
    printf "\"ratio_team_summary_to_echo\":%.3f,\"target_ratio\":0.6,\"ratio_met\":%s,", \
      ratio, (ratio >= 0.6) ? "true" : "false"
    printf "\"half_rate\":%d,\"half_rate_qps\":%.1f,\"half_rate_skipped\":%d,", \
      half_rate, half_qps, half_skipped
    printf "\"half_rate_p50_us\":%d,\"half_rate_p99_us\":%d,", half_p50, half_p99
    printf "\"echo_half_rate_p50_us\":%d,\"echo_half_rate_p99_us\":%d,", echo_half_p50, echo_half_p99
    printf "\"target_p99_us\":2000,\"latency_met\":%s,", \
      (half_p99 <= 2000 && half_qps >= 0.95 * half_rate) ? "true" : "false"
    printf "\"redis_get_qps\":%.1f,\"redis_get_p99_ms\":%.3f,", redis_qps, redis_p99
    printf "\"ratio_team_summary_to_redis_get\":%.3f,", (redis_qps > 0 ? team_qps / redis_qps : 0)
    printf "\"check_in_max_qps\":%.1f,\"check_in_rate\":%d,\"check_in_achieved_qps\":%.1f,", \
      check_in_max, check_in_rate, check_in_achieved
    printf "\"check_in_p99_us\":%d,\"analytics_cores_during_check_ins\":%.2f,", \
      check_in_p99, analytics_cpu_share
    printf "\"catch_up_after_max_seconds\":%.2f,", catch_up
    printf "\"lag_samples\":%d,\"lag_p50_ms\":%.2f,\"lag_p99_ms\":%.2f,", \
      rollup_samples + team_samples, lag_p50, lag_p99
    printf "\"target_lag_p99_ms\":1000,\"lag_met\":%s,", (lag_p99 <= 1000) ? "true" : "false"
    printf "\"current_answers_behind_bound\":%d,\"dashboards_p99_us\":%d,", behind, dashboards_p99
    printf "\"rebuild_small_seconds\":%.3f,\"small_hwm_mib\":%.1f,", small_first, small_hwm / 1024
    printf "\"rebuild_large_objectives\":%d,\"rebuild_large_seconds\":%.2f,", \
      large_objectives, large_first
    printf "\"large_hwm_mib\":%.1f}\n", large_hwm
  }'
