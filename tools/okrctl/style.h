// What okrctl may draw: colours and unicode bars only when stdout is a terminal (NO_COLOR and
// TERM=dumb turn colours off), and the few drawing helpers built on that choice.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace okr::ctl {

enum class Colour { kNone, kGreen, kYellow, kRed, kGrey, kBold, kCyan };

struct Style {
  bool colour = false;   // ANSI colour escapes
  bool unicode = false;  // block-character bars, sparklines and tree lines
};

// `mode` is "auto", "always" or "never" (the --color flag). auto: colour and unicode when `fd` is
// a terminal; NO_COLOR (non-empty) or TERM=dumb turns colour off but keeps unicode.
Style DetectStyle(int fd, std::string_view mode);

// `text` wrapped in the escapes of `colour` when the style allows it.
std::string Paint(std::string_view text, Colour colour, const Style& style);

// A bar of `width` cells filled to `fraction` (clamped to [0, 1]) with eighth blocks; "" when the
// style has no unicode.
std::string Bar(double fraction, int width, const Style& style);

// One character per value, scaled between `low` and `high` (▁ to █); "" without unicode.
std::string Sparkline(const std::vector<double>& values, double low, double high,
                      const Style& style);

// Display width of UTF-8 text without escapes (one cell per code point).
int DisplayWidth(std::string_view text);

// "62%" for 0.62.
std::string Percent(double fraction);

}  // namespace okr::ctl
