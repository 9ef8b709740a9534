#include "likelihoods/lens/poisson.hpp"

#include <cmath>

namespace nslab {

double poisson_draw(const RandomStream& stream, double mean, std::uint32_t first_draw) {
  if (!(mean > 0.0)) return 0.0;
  std::uint32_t j = first_draw;
  if (mean < 10.0) {
    const double u = stream.uniform(j);
    double k = 0.0, probability = std::exp(-mean), cumulative = probability;
    while (u > cumulative && k < 1000.0) {
      k += 1.0;
      probability *= mean / k;
      cumulative += probability;
    }
    return k;
  }
  const double slam = std::sqrt(mean), loglam = std::log(mean);
  const double b = 0.931 + 2.53 * slam;
  const double a = -0.059 + 0.02483 * b;
  const double inverse_alpha = 1.1239 + 1.1328 / (b - 3.4);
  const double vr = 0.9277 - 3.6224 / (b - 2.0);
  for (;;) {
    const double u = stream.uniform(j++) - 0.5;
    const double v = stream.uniform(j++);
    const double us = 0.5 - std::abs(u);
    const double k = std::floor((2.0 * a / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0.0 || (us < 0.013 && v > us)) continue;
    if (std::log(v) + std::log(inverse_alpha) - std::log(a / (us * us) + b) <=
        -mean + k * loglam - std::lgamma(k + 1.0))
      return k;
  }
}

}  // namespace nslab
