// How fresh a tenant's aggregates are (okr.analytics.v1.Freshness), from where its two feeds
// stand: consistent up to the older feed's position, or up to now while both are live.
#pragma once

#include "absl/time/time.h"
#include "okr/analytics/v1/aggregates.pb.h"
#include "services/analytics/src/feeds/tenant_feeds.h"

namespace okr::analytics {

void SetFreshness(const FeedStatus& goals, const FeedStatus& feedback, absl::Time now,
                  absl::Duration bound, v1::ValueSource source, v1::Freshness& out);

}  // namespace okr::analytics
