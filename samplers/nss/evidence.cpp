#include "samplers/nss/evidence.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/random_stream.hpp"

namespace nslab {

void RunningEvidence::add_deaths(std::span<const double> ascending_log_l, std::size_t n_live) {
  for (std::size_t i = 0; i < ascending_log_l.size(); ++i) {
    const double n = static_cast<double>(n_live - i);
    const double log_dx = log_x + log1m_exp(-1.0 / n);
    log_z = log_add_exp(log_z, ascending_log_l[i] + log_dx);
    log_x -= 1.0 / n;
  }
}

double RunningEvidence::log_z_live(std::span<const double> live_log_l) const {
  return log_mean_exp(live_log_l) + log_x;
}

DeathOrder live_points_at_deaths(std::span<const double> log_l,
                                 std::span<const double> log_l_birth) {
  const std::size_t n = log_l.size();
  DeathOrder result;
  result.order.resize(n);
  std::iota(result.order.begin(), result.order.end(), 0);
  std::stable_sort(result.order.begin(), result.order.end(),
                   [&](std::size_t a, std::size_t b) { return log_l[a] < log_l[b]; });
  std::vector<double> births(log_l_birth.begin(), log_l_birth.end());
  std::sort(births.begin(), births.end());
  // n_i = (births strictly below log L_i) - (deaths before i in the order).
  result.live_count.resize(n);
  std::size_t born = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const double level = log_l[result.order[k]];
    // Initial draws (born at -inf) are alive before any death, even one at -inf.
    while (born < n && (births[born] < level || births[born] == kNegativeInfinity)) ++born;
    result.live_count[k] = static_cast<double>(born) - static_cast<double>(k);
  }
  return result;
}

FinalEvidence final_evidence(const ParticleSet& points, std::uint64_t seed, std::size_t samples) {
  const std::size_t n = points.size();
  const DeathOrder deaths = live_points_at_deaths(points.log_l, points.log_l_birth);
  std::vector<double> log_x(n), log_z_samples(samples), mean_log_w(n, 0.0);
  for (std::size_t s = 0; s < samples; ++s) {
    const RandomStream stream(seed, RandomPurpose::kEvidenceShrinkage, static_cast<std::uint32_t>(s));
    double running = 0.0;
    for (std::size_t k = 0; k < n; ++k) {
      // A point that dies with no live point counted (possible only for a
      // degenerate tie) cannot shrink the volume; guard the division.
      const double live = std::max(deaths.live_count[k], 1.0);
      running += stream.log_beta_n1(static_cast<std::uint32_t>(k), live);
      log_x[k] = running;
    }
    // Trapezoid: dX_k = (X_{k-1} - X_{k+1}) / 2 with X_{-1} = 1, X_n = 0.
    std::vector<double> log_w(n);
    for (std::size_t k = 0; k < n; ++k) {
      const double before = k == 0 ? 0.0 : log_x[k - 1];
      const double after = k + 1 < n ? log_x[k + 1] : kNegativeInfinity;
      const double log_dx = before + log1m_exp(after - before) - std::log(2.0);
      log_w[k] = log_dx + points.log_l[deaths.order[k]];
      mean_log_w[k] += log_w[k] / static_cast<double>(samples);
    }
    log_z_samples[s] = log_sum_exp(log_w);
  }
  FinalEvidence result;
  const double mean = std::accumulate(log_z_samples.begin(), log_z_samples.end(), 0.0) / samples;
  double variance = 0.0;
  for (double v : log_z_samples) variance += (v - mean) * (v - mean);
  result.log_evidence = mean;
  result.log_evidence_error = std::sqrt(variance / static_cast<double>(samples - 1));
  // Posterior weights from the mean log weight (what anesthetic reports).
  double high = kNegativeInfinity;
  for (double v : mean_log_w) high = std::max(high, v);
  result.weights.assign(n, 0.0);
  double total = 0.0;
  for (std::size_t k = 0; k < n; ++k) {
    const double w = std::isfinite(high) ? std::exp(mean_log_w[k] - high) : 0.0;
    result.weights[deaths.order[k]] = w;
    total += w;
  }
  if (total > 0.0)
    for (double& w : result.weights) w /= total;
  return result;
}

}  // namespace nslab
