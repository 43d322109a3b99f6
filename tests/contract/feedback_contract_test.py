#!/usr/bin/python3
"""Contract test of okr.feedback.v1.FeedbackService from Python, as another team would use it.

Only the .proto files are shared: the stubs are generated from proto/ at test time, the real
okr-goals and okr-feedback binaries are started on free loopback ports (feedback asks goals for
the org chart and for the goals feedback links to), and tokens come from okr-token. Each test
gives feedback and reads it back as every kind of reader the proto comments name.
"""

import datetime
import importlib
import os
import sys
import unittest
import uuid

import grpc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from contract_support import ContractTestCase, generate_stubs, mint_token  # noqa: E402


class FeedbackContractTest(ContractTestCase):
    """One okr-goals and one okr-feedback for the class; every test works in a tenant of its own."""

    @classmethod
    def start(cls):
        generate_stubs(os.path.join(cls.tmp, "gen"),
                       ["okr/org/v1/*.proto", "okr/goals/v1/*.proto", "okr/feedback/v1/*.proto"])
        cls.pb = importlib.import_module("okr.feedback.v1.feedback_service_pb2")
        cls.rpc = importlib.import_module("okr.feedback.v1.feedback_service_pb2_grpc")
        cls.fb_pb = importlib.import_module("okr.feedback.v1.feedback_pb2")
        cls.goals_pb = importlib.import_module("okr.goals.v1.goals_service_pb2")
        cls.goals_rpc = importlib.import_module("okr.goals.v1.goals_service_pb2_grpc")
        cls.obj_pb = importlib.import_module("okr.goals.v1.objective_pb2")
        cls.cycle_pb = importlib.import_module("okr.goals.v1.cycle_pb2")
        cls.org_pb = importlib.import_module("okr.org.v1.org_service_pb2")
        cls.org_rpc = importlib.import_module("okr.org.v1.org_service_pb2_grpc")
        cls.person_pb = importlib.import_module("okr.org.v1.person_pb2")
        cls.team_pb = importlib.import_module("okr.org.v1.team_pb2")
        cls.date_pb = importlib.import_module("google.type.date_pb2")
        cls.import_error_protos()

        goals = cls.serve("goals")
        feedback = cls.serve("feedback", ["--goals-address", goals.address])
        cls.org = cls.org_rpc.OrgServiceStub(goals.channel)
        cls.goals = cls.goals_rpc.GoalsServiceStub(goals.channel)
        cls.feedback = cls.rpc.FeedbackServiceStub(feedback.channel)

    # --- helpers ---

    def setUp(self):
        self.tenant = "contract-" + self._testMethodName.replace("_", "-")
        self.admin = mint_token(self.tenant, "ceo", ["admin"])
        # ceo <- lead <- dev; peer and author stand apart from dev's chain.
        self.call(self.org.BatchUpsertTeams, self.org_pb.BatchUpsertTeamsRequest(teams=[
            self.team_pb.Team(name="teams/eng", display_name="Engineering", lead="people/lead")]))
        people = [("ceo", "", []), ("lead", "people/ceo", ["teams/eng"]),
                  ("dev", "people/lead", ["teams/eng"]), ("peer", "", []), ("author", "", [])]
        self.call(self.org.BatchUpsertPeople, self.org_pb.BatchUpsertPeopleRequest(people=[
            self.person_pb.Person(name="people/" + id, display_name=id.title(),
                                  email=id + "@example.com", manager=manager, teams=teams)
            for id, manager, teams in people]))
        self.tokens = {id: mint_token(self.tenant, id) for id, _, _ in people}

    def give(self, author, request_id="", **fields):
        return self.call(self.feedback.CreateFeedback, self.pb.CreateFeedbackRequest(
            feedback=self.fb_pb.Feedback(**fields), request_id=request_id), self.tokens[author])

    def get(self, reader, name):
        return self.call(self.feedback.GetFeedback, self.pb.GetFeedbackRequest(name=name),
                         self.tokens[reader])

    def listed(self, reader, **filters):
        return [f.name for f in self.call(self.feedback.ListFeedback,
                                          self.pb.ListFeedbackRequest(**filters),
                                          self.tokens[reader]).feedback]

    def objective(self, visibility):
        today = datetime.datetime.now(datetime.timezone.utc).date()
        end = today + datetime.timedelta(days=60)
        cycle = self.call(self.goals.CreateCycle, self.goals_pb.CreateCycleRequest(
            cycle=self.cycle_pb.Cycle(
                display_name="This quarter",
                start_date=self.date_pb.Date(year=today.year, month=today.month, day=today.day),
                end_date=self.date_pb.Date(year=end.year, month=end.month, day=end.day),
                state=self.cycle_pb.CYCLE_STATE_ACTIVE)))
        return self.call(self.goals.CreateObjective, self.goals_pb.CreateObjectiveRequest(
            objective=self.obj_pb.Objective(
                title="Ship the platform", owner_person="people/dev", cycle=cycle.name,
                level=self.obj_pb.OBJECTIVE_LEVEL_INDIVIDUAL,
                state=self.obj_pb.OBJECTIVE_STATE_ACTIVE, visibility=visibility)),
            self.tokens["dev"])

    # --- tests ---

    def test_manager_feedback_reaches_the_chain_and_no_one_else(self):
        fb = self.fb_pb
        goal = self.objective(self.obj_pb.OBJECTIVE_VISIBILITY_PUBLIC)
        given = self.give("author", kind=fb.FEEDBACK_KIND_PRAISE, recipient="people/dev",
                          body="  Great rollout of the new pipeline  ",
                          visibility=fb.FEEDBACK_VISIBILITY_MANAGER, objective=goal.name,
                          tags=["Ownership", "delivery", "ownership"])
        self.assertTrue(given.name.startswith("feedback/"))
        self.assertEqual(given.author, "people/author")
        self.assertEqual(given.body, "Great rollout of the new pipeline")
        self.assertEqual(list(given.tags), ["ownership", "delivery"])
        self.assertEqual(given.objective, goal.name)
        self.assertTrue(given.HasField("create_time"))

        # The recipient and the whole manager chain read it, with its author.
        for reader in ("author", "dev", "lead", "ceo"):
            read = self.get(reader, given.name)
            self.assertEqual(read, given, reader)
            self.assertIn(given.name, self.listed(reader, recipient="people/dev"), reader)
        # A peer outside the chain: as if it did not exist, in Get and in List.
        code, info, _ = self.call_error(self.feedback.GetFeedback,
                                        self.pb.GetFeedbackRequest(name=given.name),
                                        self.tokens["peer"])
        self.assertEqual(code, grpc.StatusCode.NOT_FOUND)
        self.assertEqual(info.reason, "FEEDBACK_NOT_FOUND")
        self.assertNotIn(given.name, self.listed("peer", recipient="people/dev"))

    def test_anonymous_author_is_shown_to_the_author_only(self):
        fb = self.fb_pb
        given = self.give("author", kind=fb.FEEDBACK_KIND_CONSTRUCTIVE, recipient="people/dev",
                          body="Please write design docs before coding",
                          visibility=fb.FEEDBACK_VISIBILITY_MANAGER, anonymous=True)
        self.assertEqual(given.author, "people/author")
        self.assertEqual(self.get("author", given.name).author, "people/author")
        for reader in ("dev", "lead"):
            read = self.get(reader, given.name)
            self.assertEqual(read.author, "", reader)
            self.assertTrue(read.anonymous)
            self.assertEqual(read.body, given.body)
        # The administrator may read it (the chain's top) but not learn who wrote it.
        admin_read = self.call(self.feedback.GetFeedback,
                               self.pb.GetFeedbackRequest(name=given.name))
        self.assertEqual(admin_read.author, "")
        # Filtering by author does not reveal it either.
        self.assertNotIn(given.name, self.listed("dev", author="people/author"))
        self.assertIn(given.name, self.listed("author", author="people/author"))

    def test_bad_input_gets_field_violations_and_writes_nothing(self):
        fb = self.fb_pb
        code, info, bad_request = self.call_error(
            self.feedback.CreateFeedback,
            self.pb.CreateFeedbackRequest(feedback=fb.Feedback(
                kind=fb.FEEDBACK_KIND_CONSTRUCTIVE, recipient="people/dev", body="  ",
                visibility=fb.FEEDBACK_VISIBILITY_PUBLIC)),
            self.tokens["author"])
        self.assertEqual(code, grpc.StatusCode.INVALID_ARGUMENT)
        self.assertIsNotNone(info, "no google.rpc.ErrorInfo in grpc-status-details-bin")
        self.assertEqual(info.reason, "INVALID_FEEDBACK")
        self.assertTrue(info.domain)
        self.assertIsNotNone(bad_request, "no google.rpc.BadRequest in grpc-status-details-bin")
        self.assertEqual(sorted(v.field for v in bad_request.field_violations),
                         ["feedback.body", "feedback.visibility"])

        # A recipient goals does not know.
        code, info, _ = self.call_error(
            self.feedback.CreateFeedback,
            self.pb.CreateFeedbackRequest(feedback=fb.Feedback(
                kind=fb.FEEDBACK_KIND_PRAISE, recipient="people/nobody", body="hi")),
            self.tokens["author"])
        self.assertEqual(code, grpc.StatusCode.NOT_FOUND)
        self.assertEqual(info.reason, "RECIPIENT_NOT_FOUND")

        # A PRIVATE objective of dev's: the author may not read it, so may not link to it.
        secret = self.objective(self.obj_pb.OBJECTIVE_VISIBILITY_PRIVATE)
        code, info, _ = self.call_error(
            self.feedback.CreateFeedback,
            self.pb.CreateFeedbackRequest(feedback=fb.Feedback(
                kind=fb.FEEDBACK_KIND_PRAISE, recipient="people/dev", body="hi",
                objective=secret.name)),
            self.tokens["author"])
        self.assertEqual(code, grpc.StatusCode.NOT_FOUND)
        self.assertEqual(info.reason, "GOAL_NOT_FOUND")
        # Nothing of the above was written.
        self.assertEqual(self.listed("dev"), [])
        self.assertEqual(self.listed("author"), [])

    def test_request_id_makes_a_retry_return_the_first_result(self):
        fb = self.fb_pb
        request_id = str(uuid.uuid4())
        first = self.give("author", request_id=request_id, kind=fb.FEEDBACK_KIND_RECOGNITION,
                          recipient="people/dev", body="Saved the launch")
        self.assertEqual(first.visibility, fb.FEEDBACK_VISIBILITY_PUBLIC)
        again = self.give("author", request_id=request_id, kind=fb.FEEDBACK_KIND_RECOGNITION,
                          recipient="people/dev", body="Saved the launch")
        self.assertEqual(again, first)
        # Recognition is PUBLIC: everyone in the tenant reads it, once.
        self.assertEqual(self.listed("peer"), [first.name])


if __name__ == "__main__":
    unittest.main(verbosity=2)
