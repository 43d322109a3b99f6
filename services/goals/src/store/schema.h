// The goals service's database schema: the one ordered list of its migrations. Later features
// (cycles, objectives, key results, the change log) append versions here; released versions are
// never edited.
#pragma once

#include <vector>

#include "okr/common/storage/migrations.h"

namespace okr::goals {

std::vector<common::Migration> GoalsMigrations();

}  // namespace okr::goals
