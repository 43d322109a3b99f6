#include "services/feedback/src/api/review_view.h"

#include "absl/strings/match.h"
#include "services/feedback/src/domain/review_rules.h"

namespace okr::feedback {
namespace {

namespace v1 = ::okr::feedback::v1;

std::string PersonIdOf(const std::string& name) {
  constexpr char kPrefix[] = "people/";
  constexpr size_t kPrefixSize = sizeof(kPrefix) - 1;
  return absl::StartsWith(name, kPrefix) ? name.substr(kPrefixSize) : std::string();
}

}  // namespace

absl::StatusOr<std::optional<::okr::feedback::v1::Review>> ReviewForFeed(
    const ::okr::feedback::v1::Review& stored, const Viewer& viewer, bool cycle_closed,
    const std::function<absl::StatusOr<std::vector<std::string>>()>& chain) {
  const ReviewParties parties{PersonIdOf(stored.reviewee()), PersonIdOf(stored.reviewer())};
  if (DecideReviewRead(parties, viewer) == ReviewReadDecision::kNeedsChain) {
    auto managers = chain();
    if (!managers.ok()) return managers.status();
    if (!MayReadReview(parties, viewer, *managers)) return std::optional<v1::Review>();
  }
  v1::Review review = stored;
  const ReviewCycleState state =
      cycle_closed ? ReviewCycleState::kClosed : ReviewCycleState::kActive;
  if (!ShowsManagerAssessment(parties, viewer, state)) review.clear_manager_assessment();
  return std::optional<v1::Review>(std::move(review));
}

}  // namespace okr::feedback
