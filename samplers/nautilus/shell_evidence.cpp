#include "samplers/nautilus/shell_evidence.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/log_math.hpp"

namespace nslab {

double shells_log_z(const std::vector<Shell>& shells) {
  std::vector<double> terms;
  for (const Shell& shell : shells)
    if (shell.n > 0) terms.push_back(shell.log_l_mean + shell.log_v);
  return terms.empty() ? kNegativeInfinity : log_sum_exp(terms);
}

double shells_n_eff(const std::vector<Shell>& shells) {
  double high = kNegativeInfinity;
  for (const Shell& shell : shells)
    if (shell.n > 0) high = std::max(high, shell.log_l_mean + shell.log_v);
  if (high == kNegativeInfinity) return 0.0;
  double sum = 0.0, sum_squares = 0.0;
  for (const Shell& shell : shells) {
    if (!(shell.n_eff > 0.0)) continue;
    const double weight = std::exp(shell.log_l_mean + shell.log_v - high);
    sum += weight;
    sum_squares += weight * weight / shell.n_eff;
  }
  return sum_squares > 0.0 ? sum * sum / sum_squares : 0.0;
}

LiveSetEstimate live_set_estimate(const std::vector<Shell>& shells, std::size_t n_live, bool discard) {
  std::vector<double> log_l, log_v;
  for (const Shell& shell : shells) {
    const double point_log_v =
        shell.log_v - std::log(static_cast<double>(std::max<std::size_t>(shell.n, 1)));
    for (std::size_t i = shell.first_counted(discard); i < shell.size(); ++i) {
      log_l.push_back(shell.log_l[i]);
      log_v.push_back(point_log_v);
    }
  }
  LiveSetEstimate estimate;
  if (log_l.empty()) return estimate;
  std::vector<std::size_t> order(log_l.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  const std::size_t live = std::min(n_live, order.size());
  // Highest log L first; ties by position, so the live set is well defined.
  std::nth_element(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(live) - 1, order.end(),
                   [&](std::size_t a, std::size_t b) {
                     return log_l[a] > log_l[b] || (log_l[a] == log_l[b] && a < b);
                   });
  std::vector<double> live_log_w, live_log_v, all_log_w(log_l.size());
  for (std::size_t i = 0; i < log_l.size(); ++i) all_log_w[i] = log_l[i] + log_v[i];
  for (std::size_t k = 0; k < live; ++k) {
    live_log_w.push_back(all_log_w[order[k]]);
    live_log_v.push_back(log_v[order[k]]);
  }
  const double log_total = log_sum_exp(all_log_w);
  // Nothing finite found yet: all the evidence is still to come.
  // (A share, so at most 1: clamp the rounding of a live set that is everything.)
  estimate.log_f_live =
      log_total == kNegativeInfinity ? 0.0 : std::min(0.0, log_sum_exp(live_log_w) - log_total);
  estimate.log_v_live = log_sum_exp(live_log_v);
  return estimate;
}

ImportanceSample importance_sample(const std::vector<Shell>& shells, std::size_t dim, bool discard) {
  ImportanceSample sample;
  std::vector<double> log_w;
  for (const Shell& shell : shells) {
    const double point_log_v =
        shell.log_v - std::log(static_cast<double>(std::max<std::size_t>(shell.n, 1)));
    const std::size_t start = shell.first_counted(discard);
    sample.points.insert(sample.points.end(), shell.points.begin() + static_cast<std::ptrdiff_t>(start * dim),
                         shell.points.end());
    for (std::size_t i = start; i < shell.size(); ++i) {
      sample.log_l.push_back(shell.log_l[i]);
      log_w.push_back(point_log_v + shell.log_l[i]);
    }
  }
  const double log_total = log_sum_exp(log_w);
  sample.weights.resize(log_w.size(), 0.0);
  if (log_total != kNegativeInfinity)
    for (std::size_t i = 0; i < log_w.size(); ++i) sample.weights[i] = std::exp(log_w[i] - log_total);
  return sample;
}

}  // namespace nslab
