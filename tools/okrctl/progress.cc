#include "tools/okrctl/progress.h"

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"

namespace okr::ctl {

ProgressBar::ProgressBar(std::ostream& err, const Style& style, std::string label, int64_t total)
    : err_(err), style_(style), label_(std::move(label)), total_(total), start_(absl::Now()) {}

double ProgressBar::Rate() const {
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start_);
  return seconds > 0 ? static_cast<double>(done_) / seconds : 0;
}

void ProgressBar::Update(int64_t done) {
  done_ = done;
  if (!style_.unicode || finished_) return;
  const absl::Time now = absl::Now();
  if (now - last_draw_ < absl::Milliseconds(100)) return;
  last_draw_ = now;
  Draw();
}

void ProgressBar::Draw() {
  std::string line = absl::StrFormat("\r\x1b[2K%s ", label_);
  if (total_ > 0) {
    line += Bar(static_cast<double>(done_) / static_cast<double>(total_), 30, style_);
    line += absl::StrFormat(" %d/%d", done_, total_);
  } else {
    line += absl::StrFormat("%d", done_);
  }
  line += absl::StrFormat("  %.0f/s", Rate());
  err_ << line << std::flush;
}

void ProgressBar::Finish() {
  if (finished_) return;
  finished_ = true;
  if (!style_.unicode) return;
  Draw();
  err_ << "\n" << std::flush;
}

}  // namespace okr::ctl
