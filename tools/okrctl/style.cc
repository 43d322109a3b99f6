#include "tools/okrctl/style.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "okr/common/status/string_view.h"

using okr::common::Sv;

namespace okr::ctl {

Style DetectStyle(int fd, std::string_view mode) {
  if (mode == "always") return Style{true, true};
  if (mode == "never") return Style{false, false};
  Style style;
  if (isatty(fd) == 0) return style;
  style.unicode = true;
  const char* no_colour = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  const bool dumb = term != nullptr && std::string_view(term) == "dumb";
  style.colour = (no_colour == nullptr || *no_colour == '\0') && !dumb;
  return style;
}

std::string Paint(std::string_view text, Colour colour, const Style& style) {
  if (!style.colour || colour == Colour::kNone) return std::string(text);
  std::string_view code;
  switch (colour) {
    case Colour::kGreen:
      code = "32";
      break;
    case Colour::kYellow:
      code = "33";
      break;
    case Colour::kRed:
      code = "31";
      break;
    case Colour::kGrey:
      code = "90";
      break;
    case Colour::kBold:
      code = "1";
      break;
    case Colour::kCyan:
      code = "36";
      break;
    case Colour::kNone:
      break;
  }
  return absl::StrCat("\x1b[", Sv(code), "m", Sv(text), "\x1b[0m");
}

std::string Bar(double fraction, int width, const Style& style) {
  if (!style.unicode || width <= 0) return "";
  static constexpr std::string_view kEighths[] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
  if (!std::isfinite(fraction)) fraction = 0;
  fraction = std::clamp(fraction, 0.0, 1.0);
  const int eighths = static_cast<int>(std::lround(fraction * width * 8));
  const int full = eighths / 8;
  const int rest = eighths % 8;
  std::string out;
  for (int i = 0; i < full; ++i) out += "█";
  int cells = full;
  if (rest > 0) {
    out += kEighths[rest];
    ++cells;
  }
  std::string track;
  for (int i = cells; i < width; ++i) track += "░";
  return out + Paint(track, Colour::kGrey, style);
}

std::string Sparkline(const std::vector<double>& values, double low, double high,
                      const Style& style) {
  if (!style.unicode) return "";
  static constexpr std::string_view kLevels[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
  std::string out;
  for (double v : values) {
    double f = high > low ? (v - low) / (high - low) : 0.0;
    if (!std::isfinite(f)) f = 0;
    f = std::clamp(f, 0.0, 1.0);
    out += kLevels[std::min(7, static_cast<int>(f * 8))];
  }
  return out;
}

int DisplayWidth(std::string_view text) {
  int width = 0;
  bool escape = false;
  for (unsigned char c : text) {
    if (escape) {
      if (c == 'm') escape = false;
      continue;
    }
    if (c == 0x1b) {
      escape = true;
      continue;
    }
    if ((c & 0xC0) != 0x80) ++width;
  }
  return width;
}

std::string Percent(double fraction) {
  if (!std::isfinite(fraction)) return "-";
  return absl::StrCat(std::lround(fraction * 100), "%");
}

}  // namespace okr::ctl
