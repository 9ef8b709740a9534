#pragma once
// Log-space helpers shared by the samplers' evidence integrators.
#include <algorithm>
#include <cmath>
#include <limits>
#include <span>

namespace nslab {

inline constexpr double kNegativeInfinity = -std::numeric_limits<double>::infinity();

inline double log_add_exp(double a, double b) {
  if (a == kNegativeInfinity) return b;
  if (b == kNegativeInfinity) return a;
  const double high = std::max(a, b);
  return high + std::log1p(std::exp(-std::abs(a - b)));
}

inline double log_sum_exp(std::span<const double> values) {
  double high = kNegativeInfinity;
  for (double v : values) high = std::max(high, v);
  if (high == kNegativeInfinity || !std::isfinite(high)) return high;
  double sum = 0.0;
  for (double v : values) sum += std::exp(v - high);
  return high + std::log(sum);
}

inline double log_mean_exp(std::span<const double> values) {
  return log_sum_exp(values) - std::log(static_cast<double>(values.size()));
}

// log(1 - exp(x)) for x <= 0, accurate near both ends (Maechler 2012).
inline double log1m_exp(double x) {
  return x > -0.6931471805599453 ? std::log(-std::expm1(x)) : std::log1p(-std::exp(x));
}

}  // namespace nslab
