#include <cmath>

#include "samplers/common/sampler_result.hpp"

namespace nslab {

PosteriorSummary summarise_posterior(const WeightedSamples& samples) {
  const std::size_t d = samples.dim, n = samples.count();
  PosteriorSummary summary;
  summary.mean.assign(d, 0.0);
  summary.std.assign(d, 0.0);
  summary.covariance.assign(d * d, 0.0);
  double total = 0.0, total_squared = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    total += samples.weights[i];
    total_squared += samples.weights[i] * samples.weights[i];
  }
  if (!(total > 0.0)) return summary;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t k = 0; k < d; ++k)
      summary.mean[k] += samples.weights[i] / total * samples.points[i * d + k];
  for (std::size_t i = 0; i < n; ++i) {
    const double w = samples.weights[i] / total;
    for (std::size_t a = 0; a < d; ++a) {
      const double da = samples.points[i * d + a] - summary.mean[a];
      for (std::size_t b = 0; b < d; ++b)
        summary.covariance[a * d + b] += w * da * (samples.points[i * d + b] - summary.mean[b]);
    }
  }
  for (std::size_t k = 0; k < d; ++k) summary.std[k] = std::sqrt(summary.covariance[k * d + k]);
  summary.effective_sample_size = total * total / total_squared;
  return summary;
}

}  // namespace nslab
