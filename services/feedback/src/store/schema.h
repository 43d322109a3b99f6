// The feedback database's schema: its versioned migrations, applied at start.
#pragma once

#include <vector>

#include "okr/common/storage/migrations.h"

namespace okr::feedback {

std::vector<common::Migration> FeedbackMigrations();

// Each store's tables, for the migrations (defined beside the store that owns them).
const char* FeedbackTablesSql();      // feedback_store.cc
const char* RequestTablesSql();       // request_store.cc
const char* OneOnOneTablesSql();      // one_on_one_store.cc
const char* ReviewTablesSql();        // review_store.cc
const char* FeedPositionTablesSql();  // feed_position_store.cc

}  // namespace okr::feedback
