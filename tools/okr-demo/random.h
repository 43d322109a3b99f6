// Random draws that are the same on every platform for the same seed: std::mt19937_64's sequence
// is fixed by the standard, while the standard distributions are not (their algorithms differ
// between library implementations), so the draws are made here.
#ifndef OKR_TOOLS_OKR_DEMO_RANDOM_H_
#define OKR_TOOLS_OKR_DEMO_RANDOM_H_

#include <cstdint>
#include <random>
#include <vector>

namespace okr::demo {

class Random {
 public:
  explicit Random(uint64_t seed) : engine_(seed) {}

  // Uniform in [lo, hi] (inclusive); lo <= hi.
  int Int(int lo, int hi) {
    const uint64_t span = static_cast<uint64_t>(hi - lo) + 1;
    return lo + static_cast<int>(engine_() % span);  // The bias is below 2^-50 for our spans.
  }
  // Uniform in [lo, hi).
  double Real(double lo, double hi) {
    return lo + (hi - lo) * static_cast<double>(engine_() >> 11) * 0x1.0p-53;
  }
  bool Chance(double p) { return Real(0, 1) < p; }

  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[static_cast<size_t>(Int(0, static_cast<int>(items.size()) - 1))];
  }
  // An index drawn with the given relative weights (not all zero).
  int Weighted(const std::vector<double>& weights) {
    double total = 0;
    for (double w : weights) total += w;
    double x = Real(0, total);
    for (size_t i = 0; i < weights.size(); ++i) {
      if (x < weights[i]) return static_cast<int>(i);
      x -= weights[i];
    }
    return static_cast<int>(weights.size()) - 1;
  }

 private:
  std::mt19937_64 engine_;
};

}  // namespace okr::demo

#endif  // OKR_TOOLS_OKR_DEMO_RANDOM_H_
