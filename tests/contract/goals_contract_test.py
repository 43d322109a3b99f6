#!/usr/bin/python3
"""Contract test of okr.goals.v1.GoalsService from Python, as another team would use it.

Only the .proto files are shared: the stubs are generated from proto/ at test time, the real
okr-goals binary is started on a free loopback port, tokens come from okr-token, and progress
values are computed here by hand from the formulas in the proto comments.

Needs Debian's python3-grpcio and python3-protobuf, protoc and grpc_python_plugin. Reads
OKR_BUILD_DIR (the binaries are in $OKR_BUILD_DIR/bin) and OKR_SOURCE_DIR (for proto/).
"""

import datetime
import importlib
import os
import sys
import time
import unittest

import grpc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from contract_support import ContractTestCase, generate_stubs, mint_token  # noqa: E402

TOLERANCE = 1e-9


def today_plus(days):
    return datetime.datetime.now(datetime.timezone.utc).date() + datetime.timedelta(days=days)


class GoalsContractTest(ContractTestCase):
    """One okr-goals process for the class; every test works in a tenant of its own."""

    @classmethod
    def start(cls):
        generate_stubs(os.path.join(cls.tmp, "gen"),
                       ["okr/org/v1/*.proto", "okr/goals/v1/*.proto"])
        cls.pb = importlib.import_module("okr.goals.v1.goals_service_pb2")
        cls.rpc = importlib.import_module("okr.goals.v1.goals_service_pb2_grpc")
        cls.kr_pb = importlib.import_module("okr.goals.v1.key_result_pb2")
        cls.obj_pb = importlib.import_module("okr.goals.v1.objective_pb2")
        cls.cycle_pb = importlib.import_module("okr.goals.v1.cycle_pb2")
        cls.check_in_pb = importlib.import_module("okr.goals.v1.check_in_pb2")
        cls.org_pb = importlib.import_module("okr.org.v1.org_service_pb2")
        cls.org_rpc = importlib.import_module("okr.org.v1.org_service_pb2_grpc")
        cls.person_pb = importlib.import_module("okr.org.v1.person_pb2")
        cls.team_pb = importlib.import_module("okr.org.v1.team_pb2")
        cls.import_error_protos()
        cls.date_pb = importlib.import_module("google.type.date_pb2")

        server = cls.serve("goals")
        cls.goals = cls.rpc.GoalsServiceStub(server.channel)
        cls.org = cls.org_rpc.OrgServiceStub(server.channel)

    # --- helpers ---

    def setUp(self):
        self.tenant = "contract-" + self._testMethodName.replace("_", "-")
        self.admin = mint_token(self.tenant, "ceo", ["admin"])
        # The organisation: ceo <- lead (leads team eng) <- dev (member of eng); peer stands apart.
        self.call(self.org.BatchUpsertTeams, self.org_pb.BatchUpsertTeamsRequest(teams=[
            self.team_pb.Team(name="teams/eng", display_name="Engineering", lead="people/lead")]))
        people = [("ceo", "", []), ("lead", "people/ceo", ["teams/eng"]),
                  ("dev", "people/lead", ["teams/eng"]), ("peer", "", [])]
        self.call(self.org.BatchUpsertPeople, self.org_pb.BatchUpsertPeopleRequest(people=[
            self.person_pb.Person(name="people/" + id, display_name=id.title(),
                                  email=id + "@example.com", manager=manager, teams=teams)
            for id, manager, teams in people]))

    def date(self, days_from_today):
        d = today_plus(days_from_today)
        return self.date_pb.Date(year=d.year, month=d.month, day=d.day)

    def create_cycle(self, start_days, end_days, name):
        return self.call(self.goals.CreateCycle, self.pb.CreateCycleRequest(
            cycle=self.cycle_pb.Cycle(display_name=name, start_date=self.date(start_days),
                                      end_date=self.date(end_days),
                                      state=self.cycle_pb.CYCLE_STATE_ACTIVE)))

    def create_objective(self, token=None, **fields):
        fields.setdefault("state", self.obj_pb.OBJECTIVE_STATE_ACTIVE)
        return self.call(self.goals.CreateObjective, self.pb.CreateObjectiveRequest(
            objective=self.obj_pb.Objective(**fields)), token)

    def create_kr(self, objective, **fields):
        return self.call(self.goals.CreateKeyResult, self.pb.CreateKeyResultRequest(
            parent=objective.name, key_result=self.kr_pb.KeyResult(**fields)))

    def check_in(self, kr, token=None, **fields):
        return self.call(self.goals.CreateCheckIn, self.pb.CreateCheckInRequest(
            parent=kr.name, check_in=self.check_in_pb.CheckIn(**fields)), token)

    def get_objective(self, objective):
        return self.call(self.goals.GetObjective, self.pb.GetObjectiveRequest(name=objective.name))

    # --- tests ---

    def test_progress_rolls_up_through_children_and_rollup_key_results(self):
        kr_pb, obj_pb = self.kr_pb, self.obj_pb
        # Ended yesterday and still ACTIVE: the expected progress is 1, so health is known.
        cycle = self.create_cycle(-30, -1, "Last month")
        self.assertEqual(cycle.state, self.cycle_pb.CYCLE_STATE_ACTIVE)
        self.assertEqual(cycle.time_zone, "UTC")

        company = self.create_objective(
            title="Win the market", owner_person="people/ceo", cycle=cycle.name,
            level=obj_pb.OBJECTIVE_LEVEL_COMPANY, rollup_children=True)
        revenue = self.create_kr(company, title="Revenue", type=kr_pb.KEY_RESULT_TYPE_NUMERIC,
                                 direction=kr_pb.KEY_RESULT_DIRECTION_INCREASE, unit="kEUR",
                                 start_value=100, target_value=200)
        launch = self.create_kr(company, title="Launch", type=kr_pb.KEY_RESULT_TYPE_MILESTONE,
                                milestones=[kr_pb.Milestone(title="Beta", weight=1),
                                            kr_pb.Milestone(title="GA", weight=1),
                                            kr_pb.Milestone(title="Partners", weight=2)])
        adoption = self.create_kr(company, title="Adoption by the teams",
                                  type=kr_pb.KEY_RESULT_TYPE_ROLLUP)
        self.assertEqual(revenue.current_value, 100)
        self.assertEqual(len(launch.milestones), 3)
        self.assertFalse(adoption.has_measure)

        team = self.create_objective(
            title="Ship the platform", owner_team="teams/eng", cycle=cycle.name,
            level=obj_pb.OBJECTIVE_LEVEL_TEAM, parent=company.name, weight=2)
        deploys = self.create_kr(team, title="Weekly deploys", type=kr_pb.KEY_RESULT_TYPE_NUMERIC,
                                 start_value=0, target_value=10)
        self.assertEqual(deploys.direction, kr_pb.KEY_RESULT_DIRECTION_INCREASE)
        # The developer creates their own objective and aligns it to the company's ROLLUP key
        # result (bottom-up).
        mine = self.create_objective(
            title="Learn the stack", owner_person="people/dev", cycle=cycle.name,
            level=obj_pb.OBJECTIVE_LEVEL_INDIVIDUAL, parent=adoption.name,
            token=mint_token(self.tenant, "dev"))
        course = self.call(self.goals.CreateKeyResult, self.pb.CreateKeyResultRequest(
            parent=mine.name, key_result=kr_pb.KeyResult(
                title="Course done", type=kr_pb.KEY_RESULT_TYPE_BOOLEAN)),
            mint_token(self.tenant, "dev"))

        dev = mint_token(self.tenant, "dev")
        first = self.check_in(revenue, value=150, confidence=7)
        self.assertEqual(first.author, "people/ceo")
        self.assertEqual(first.source, self.check_in_pb.CHECK_IN_SOURCE_MANUAL)
        time.sleep(0.03)
        self.check_in(launch, milestone_states=[
            self.check_in_pb.MilestoneState(milestone_id=launch.milestones[0].id, done=True),
            self.check_in_pb.MilestoneState(milestone_id=launch.milestones[2].id, done=True)])
        self.check_in(deploys, token=dev, value=5, confidence=4,
                      note=self.check_in_pb.CheckInNote(progress="CI is green",
                                                        challenges="flaky staging",
                                                        next_steps="fix staging"))
        done = self.check_in(course, token=dev, value=1)
        self.assertEqual(done.author, "people/dev")

        # By hand, from the proto's formulas:
        #   revenue  (150 - 100) / (200 - 100)      = 0.5
        #   launch   (1 + 2) / (1 + 1 + 2)          = 0.75
        #   adoption mean of {mine: 1}              = 1
        #   team     deploys 5 / 10                 = 0.5   (weight 2 in the company)
        #   company  (0.5 + 0.75 + 1 + 2 x 0.5) / 5 = 0.65
        revenue_progress, launch_progress, team_progress = 0.5, 0.75, 0.5
        company_progress = (revenue_progress + launch_progress + 1 + 2 * team_progress) / 5

        tree = self.call(self.goals.GetObjectiveTree,
                         self.pb.GetObjectiveTreeRequest(name=company.name))
        self.assertEqual(tree.cycle, cycle.name)
        self.assertEqual(len(tree.roots), 1)
        root = tree.roots[0]
        self.assertEqual(root.objective.name, company.name)
        self.assertAlmostEqual(root.objective.progress, company_progress, delta=TOLERANCE)
        self.assertTrue(root.objective.has_measure)
        # Confidence is the lowest among the objective's own key results (the team's 4 is not one).
        self.assertTrue(root.objective.HasField("confidence"))
        self.assertEqual(root.objective.confidence, 7)
        self.assertEqual(root.objective.expected_progress, 1)
        self.assertEqual(root.objective.health, obj_pb.HEALTH_OFF_TRACK)  # 0.65 < 1 - 0.25

        krs = {node.key_result.name: node for node in root.key_results}
        self.assertEqual([node.key_result.name for node in root.key_results],
                         [revenue.name, launch.name, adoption.name])
        self.assertEqual(krs[revenue.name].key_result.current_value, 150)
        self.assertAlmostEqual(krs[revenue.name].key_result.progress, revenue_progress,
                               delta=TOLERANCE)
        self.assertEqual(krs[revenue.name].key_result.latest_confidence, 7)
        self.assertAlmostEqual(krs[launch.name].key_result.progress, launch_progress,
                               delta=TOLERANCE)
        self.assertEqual([m.done for m in krs[launch.name].key_result.milestones],
                         [True, False, True])
        self.assertAlmostEqual(krs[adoption.name].key_result.progress, 1, delta=TOLERANCE)
        self.assertTrue(krs[adoption.name].key_result.has_measure)
        self.assertEqual([c.objective.name for c in krs[adoption.name].children], [mine.name])
        mine_node = krs[adoption.name].children[0]
        self.assertEqual(mine_node.objective.progress, 1)
        self.assertEqual(mine_node.objective.health, obj_pb.HEALTH_ON_TRACK)

        self.assertEqual([c.objective.name for c in root.children], [team.name])
        team_node = root.children[0]
        self.assertAlmostEqual(team_node.objective.progress, team_progress, delta=TOLERANCE)
        self.assertEqual(team_node.objective.weight, 2)
        self.assertEqual(team_node.objective.confidence, 4)
        # 0.5 < 1 - 0.25, and confidence 4 is MEDIUM.
        self.assertEqual(team_node.objective.health, obj_pb.HEALTH_OFF_TRACK)
        self.assertEqual(team_node.key_results[0].key_result.current_value, 5)

        # GetObjective agrees with the tree.
        self.assertAlmostEqual(self.get_objective(company).progress, company_progress,
                               delta=TOLERANCE)

        # The tree as of just after the first check-in: only the revenue had moved.
        as_of = first.create_time.ToNanoseconds() + 10 * 1000 * 1000
        request = self.pb.GetObjectiveTreeRequest(name=company.name)
        request.as_of.FromNanoseconds(as_of)
        then = self.call(self.goals.GetObjectiveTree, request).roots[0]
        # revenue 0.5, launch 0, adoption 0 (mine had no value), team 0: 0.5 / 5.
        self.assertAlmostEqual(then.objective.progress, 0.5 / 5, delta=TOLERANCE)

        # Someone outside the objective's stewards may read but not check in.
        code, info, _ = self.call_error(
            self.goals.CreateCheckIn,
            self.pb.CreateCheckInRequest(parent=revenue.name,
                                         check_in=self.check_in_pb.CheckIn(value=190)),
            mint_token(self.tenant, "peer"))
        self.assertEqual(code, grpc.StatusCode.PERMISSION_DENIED)
        self.assertIsNotNone(info)
        self.assertEqual(info.reason, "CHECK_IN_DENIED")

    def test_target_equal_to_start_is_a_field_violation(self):
        cycle = self.create_cycle(-10, 80, "This quarter")
        objective = self.create_objective(
            title="Grow", owner_person="people/ceo", cycle=cycle.name,
            level=self.obj_pb.OBJECTIVE_LEVEL_COMPANY)
        code, info, bad_request = self.call_error(
            self.goals.CreateKeyResult,
            self.pb.CreateKeyResultRequest(parent=objective.name, key_result=self.kr_pb.KeyResult(
                title="Flat", type=self.kr_pb.KEY_RESULT_TYPE_NUMERIC, start_value=10,
                target_value=10)))
        self.assertEqual(code, grpc.StatusCode.INVALID_ARGUMENT)
        self.assertIsNotNone(info, "no google.rpc.ErrorInfo in grpc-status-details-bin")
        self.assertEqual(info.reason, "KEY_RESULT_TARGET_EQUALS_START")
        self.assertTrue(info.domain)
        self.assertIsNotNone(bad_request, "no google.rpc.BadRequest in grpc-status-details-bin")
        self.assertIn("key_result.target_value",
                      [v.field for v in bad_request.field_violations])

        # Nothing was created.
        listed = self.call(self.goals.ListKeyResults,
                           self.pb.ListKeyResultsRequest(parent=objective.name))
        self.assertEqual(len(listed.key_results), 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
