// A progress bar on stderr, redrawn in place at most 10 times a second, with the rate; drawn only
// when stderr is a terminal (the style says so), silent otherwise.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "absl/time/time.h"
#include "tools/okrctl/style.h"

namespace okr::ctl {

class ProgressBar {
 public:
  // `total` 0 means unknown (a count and the rate, no bar).
  ProgressBar(std::ostream& err, const Style& style, std::string label, int64_t total);
  ~ProgressBar() { Finish(); }
  void Update(int64_t done);
  void SetTotal(int64_t total) { total_ = total; }
  // Draws the final state and ends the line; idempotent.
  void Finish();
  // Items per second since the start.
  double Rate() const;

 private:
  void Draw();
  std::ostream& err_;
  Style style_;
  std::string label_;
  int64_t total_;
  int64_t done_ = 0;
  absl::Time start_;
  absl::Time last_draw_ = absl::InfinitePast();
  bool finished_ = false;
};

}  // namespace okr::ctl
