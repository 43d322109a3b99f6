// What a reader may see of a one-on-one: its two participants read it (each with their own
// private notes only); administrators and service identities read it without any notes; nobody
// else reads it. Shared by GetOneOnOne, ListOneOnOnes and the change feed.
#pragma once

#include <optional>

#include "okr/feedback/v1/one_on_one.pb.h"
#include "services/feedback/src/domain/viewer.h"

namespace okr::feedback {

// The one-on-one of a change as `viewer` may read it in the change feed (`stored` carries no
// private notes: the feed never does); nullopt when they may not read it.
std::optional<::okr::feedback::v1::OneOnOne> OneOnOneForFeed(
    const ::okr::feedback::v1::OneOnOne& stored, const Viewer& viewer);

}  // namespace okr::feedback
