#include "services/analytics/src/feeds/change_ops.h"

#include "services/analytics/src/feeds/fact_codec.h"

namespace okr::analytics {

void AppendOps(const goals::v1::Change& change, std::vector<FactOp>& ops) {
  using goals::v1::Change;
  switch (change.payload_case()) {
    case Change::kCycle:
      ops.push_back(PutOf(change.cycle()));
      return;
    case Change::kObjective:
      if (change.kind() == goals::v1::CHANGE_KIND_OBJECTIVE_DELETED) {
        ops.push_back(DeleteOf(FactKind::kObjective, IdOf(change.objective().name())));
      } else {
        ops.push_back(PutOf(change.objective()));
      }
      return;
    case Change::kKeyResult:
      if (change.kind() == goals::v1::CHANGE_KIND_KEY_RESULT_DELETED) {
        ops.push_back(DeleteOf(FactKind::kKeyResult, change.key_result().name()));
      } else {
        ops.push_back(PutOf(change.key_result()));
      }
      return;
    case Change::kPerson:
      ops.push_back(PutOf(change.person()));
      return;
    case Change::kTeam:
      ops.push_back(PutOf(change.team()));
      return;
    case Change::kHealthChange: {
      // Time-driven health changes come only as this event (no objective payload).
      FactOp op;
      op.type = FactOp::Type::kPatch;
      op.kind = FactKind::kObjective;
      op.id = IdOf(change.health_change().objective());
      const goals::v1::Health health = change.health_change().new_health();
      op.patch = [health](const std::string& stored) -> absl::StatusOr<std::string> {
        goals::v1::Objective o;
        if (!o.ParseFromString(stored)) return absl::DataLossError("a stored objective is bad");
        o.set_health(health);
        return o.SerializeAsString();
      };
      ops.push_back(std::move(op));
      return;
    }
    case Change::kKeyResultStale: {
      FactOp op;
      op.type = FactOp::Type::kPatch;
      op.kind = FactKind::kKeyResult;
      op.id = change.key_result_stale().key_result();
      op.patch = [](const std::string& stored) -> absl::StatusOr<std::string> {
        goals::v1::KeyResult k;
        if (!k.ParseFromString(stored)) return absl::DataLossError("a stored key result is bad");
        k.set_stale(true);
        return k.SerializeAsString();
      };
      ops.push_back(std::move(op));
      return;
    }
    case Change::kCheckIn:         // the key result's progress change carries what counts
    case Change::kConfidenceDrop:  // likewise (latest confidence)
    case Change::PAYLOAD_NOT_SET:
      return;
  }
}

void AppendOps(const feedback::v1::Change& change, std::vector<FactOp>& ops) {
  using feedback::v1::Change;
  switch (change.payload_case()) {
    case Change::kFeedback:
      if (change.kind() == feedback::v1::CHANGE_KIND_FEEDBACK_DELETED) {
        ops.push_back(DeleteOf(FactKind::kFeedback, IdOf(change.feedback().feedback().name())));
      } else {
        ops.push_back(PutOf(change.feedback()));
      }
      return;
    case Change::kFeedbackRequest:
      ops.push_back(PutOf(change.feedback_request()));
      return;
    case Change::kOneOnOne:
      ops.push_back(PutOf(change.one_on_one()));
      return;
    case Change::kReviewCycle:  // reviews are not in any figure yet
    case Change::kReview:
    case Change::PAYLOAD_NOT_SET:
      return;
  }
}

}  // namespace okr::analytics
