#!/usr/bin/python3
"""Fills the local suite's "demo" tenant with a small company: people and teams, the current
quarter as an ACTIVE cycle, company, team and individual objectives aligned to each other, key
results of several types and a few check-ins. Does nothing when the tenant already has a cycle, so
restarting up.sh keeps what you changed.

Usage: seed_demo.py --target 127.0.0.1:50051 --token JWT --stubs DIR
Needs Debian's python3-grpcio and python3-protobuf, protoc and grpc_python_plugin.
"""

import argparse
import datetime
import glob
import importlib
import os
import subprocess
import sys

import grpc

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def load_stubs(out_dir):
    protos = []
    for pattern in ("okr/org/v1/*.proto", "okr/goals/v1/*.proto", "google/type/*.proto"):
        protos += sorted(os.path.relpath(p, os.path.join(REPO, "proto"))
                         for p in glob.glob(os.path.join(REPO, "proto", pattern)))
    os.makedirs(out_dir, exist_ok=True)
    subprocess.run(["protoc", "-I", "proto", "--python_out=" + out_dir, "--grpc_out=" + out_dir,
                    "--plugin=protoc-gen-grpc=/usr/bin/grpc_python_plugin"] + protos,
                   cwd=REPO, check=True)
    sys.path.insert(0, out_dir)
    names = ("okr.goals.v1.goals_service_pb2", "okr.goals.v1.goals_service_pb2_grpc",
             "okr.org.v1.org_service_pb2", "okr.org.v1.org_service_pb2_grpc")
    return [importlib.import_module(n) for n in names]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--stubs", required=True, help="folder for the generated Python stubs")
    args = parser.parse_args()
    pb, rpc, org_pb, org_rpc = load_stubs(args.stubs)
    channel = grpc.insecure_channel(args.target)
    goals = rpc.GoalsServiceStub(channel)
    org = org_rpc.OrgServiceStub(channel)
    auth = [("authorization", "Bearer " + args.token)]

    def call(method, request):
        return method(request, metadata=auth, timeout=10)

    if call(goals.ListCycles, pb.ListCyclesRequest(page_size=1)).cycles:
        print("demo data: tenant 'demo' already has cycles; left as it is")
        return 0

    teams = [("leadership", "Leadership", "", "casey"), ("sales", "Sales", "leadership", "sam"),
             ("engineering", "Engineering", "leadership", "eve")]
    call(org.BatchUpsertTeams, org_pb.BatchUpsertTeamsRequest(teams=[
        dict(name="teams/" + t, display_name=n, parent="teams/" + p if p else "",
             lead="people/" + lead) for t, n, p, lead in teams]))
    people = [("casey", "Casey Chen", "", "leadership"), ("sam", "Sam Sato", "casey", "sales"),
              ("eve", "Eve Evans", "casey", "engineering"), ("alex", "Alex Adeyemi", "sam", "sales"),
              ("bo", "Bo Berg", "eve", "engineering")]
    call(org.BatchUpsertPeople, org_pb.BatchUpsertPeopleRequest(people=[
        dict(name="people/" + p, display_name=n, email=p + "@demo.example",
             manager="people/" + m if m else "", teams=["teams/" + t]) for p, n, m, t in people]))

    today = datetime.date.today()
    quarter_start = datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    next_quarter = datetime.date(quarter_start.year + (quarter_start.month == 10),
                                 (quarter_start.month + 2) % 12 + 1, 1)
    quarter_end = next_quarter - datetime.timedelta(days=1)
    as_date = lambda d: dict(year=d.year, month=d.month, day=d.day)
    cycle = call(goals.CreateCycle, pb.CreateCycleRequest(cycle=dict(
        display_name="%d-Q%d" % (today.year, (today.month - 1) // 3 + 1),
        start_date=as_date(quarter_start), end_date=as_date(quarter_end),
        state="CYCLE_STATE_ACTIVE"))).name

    def objective(title, level, parent="", **fields):
        return call(goals.CreateObjective, pb.CreateObjectiveRequest(objective=dict(
            title=title, level=level, cycle=cycle, parent=parent, state="OBJECTIVE_STATE_ACTIVE",
            **fields))).name

    def key_result(parent, **fields):
        return call(goals.CreateKeyResult,
                    pb.CreateKeyResultRequest(parent=parent, key_result=fields))

    def check_in(kr, **fields):
        call(goals.CreateCheckIn, pb.CreateCheckInRequest(parent=kr, check_in=fields))

    company = objective("Become the backend platform teams choose for OKRs",
                        "OBJECTIVE_LEVEL_COMPANY", owner_team="teams/leadership",
                        rollup_children=True)
    arr = key_result(company, title="Reach 2M EUR ARR", type="KEY_RESULT_TYPE_CURRENCY",
                     currency_code="EUR", start_value=1200000, target_value=2000000).name
    platform = key_result(company, title="Ship the platform", type="KEY_RESULT_TYPE_ROLLUP").name
    check_in(arr, value=1450000, confidence=6,
             note=dict(progress="Two enterprise renewals", next_steps="Close the pilot pipeline"))

    sales = objective("Win the mid-market", "OBJECTIVE_LEVEL_TEAM", company,
                      owner_team="teams/sales")
    deals = key_result(sales, title="Close 40 new deals", type="KEY_RESULT_TYPE_NUMERIC",
                       unit="deals", start_value=0, target_value=40, owner="people/alex").name
    churn = key_result(sales, title="Keep churn at or below 2 %", type="KEY_RESULT_TYPE_PERCENT",
                       direction="KEY_RESULT_DIRECTION_KEEP_BELOW", threshold=2).name
    check_in(deals, value=14, confidence=7, note=dict(progress="14 signed"))
    check_in(churn, value=1.6, confidence=8)

    engineering = objective("Ship v1 of the goals API", "OBJECTIVE_LEVEL_TEAM", platform,
                            owner_team="teams/engineering", rollup_children=True)
    milestones = key_result(engineering, title="Release plan", type="KEY_RESULT_TYPE_MILESTONE",
                            milestones=[dict(title="Contracts frozen", weight=1),
                                        dict(title="Roll-up and health", weight=2),
                                        dict(title="Change feed", weight=2)])
    check_in(milestones.name, milestone_states=[dict(milestone_id=milestones.milestones[0].id,
                                                     done=True)],
             confidence=5, note=dict(challenges="Change feed design still open"))

    latency = objective("Make reads fast", "OBJECTIVE_LEVEL_INDIVIDUAL", engineering,
                        owner_person="people/bo", visibility="OBJECTIVE_VISIBILITY_PRIVATE")
    p99 = key_result(latency, title="Cut GetObjective p99 to 20 ms", type="KEY_RESULT_TYPE_NUMERIC",
                     unit="ms", start_value=80, target_value=20).name
    check_in(p99, value=45, confidence=4)

    print("demo data: tenant 'demo', cycle %s: 5 people, 3 teams, 4 objectives, 6 key results"
          % cycle)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except grpc.RpcError as e:
        print("seed_demo.py: %s: %s" % (e.code(), e.details()), file=sys.stderr)
        sys.exit(1)
