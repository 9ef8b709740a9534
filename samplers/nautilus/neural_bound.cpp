#include "samplers/nautilus/neural_bound.hpp"

#include <algorithm>
#include <numeric>

namespace nslab {

std::vector<double> average_ranks(const std::vector<double>& values) {
  const std::size_t n = values.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  std::vector<double> ranks(n);
  for (std::size_t start = 0; start < n;) {
    std::size_t end = start + 1;
    while (end < n && values[order[end]] == values[order[start]]) ++end;
    const double rank = 0.5 * static_cast<double>(start + 1 + end);  // mean of start+1..end
    for (std::size_t k = start; k < end; ++k) ranks[order[k]] = rank;
    start = end;
  }
  return ranks;
}

double polynomial_fit_at(const Eigen::VectorXd& x, const Eigen::VectorXd& y, int degree, double at) {
  Eigen::MatrixXd vandermonde(x.size(), degree + 1);
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    double power = 1.0;
    for (int k = 0; k <= degree; ++k) {
      vandermonde(i, k) = power;
      power *= x[i];
    }
  }
  const Eigen::VectorXd coefficients = vandermonde.colPivHouseholderQr().solve(y);
  double value = 0.0, power = 1.0;
  for (int k = 0; k <= degree; ++k) {
    value += coefficients[k] * power;
    power *= at;
  }
  return value;
}

NeuralBound NeuralBound::compute(const PointMatrix& points, const std::vector<double>& log_l,
                                 double log_l_min, double enlarge_per_dim, std::size_t n_networks,
                                 std::uint64_t seed, std::uint32_t bound_id,
                                 std::uint32_t first_network) {
  std::vector<char> live(log_l.size());
  for (std::size_t i = 0; i < log_l.size(); ++i) live[i] = log_l[i] >= log_l_min;
  NeuralBound bound;
  bound.ellipsoid_ = Ellipsoid::enclosing(select_columns(points, live), enlarge_per_dim);
  if (n_networks == 0) return bound;

  // Train on everything inside the ellipsoid, live or not.
  const std::vector<char> inside = bound.ellipsoid_.contains(points);
  std::vector<double> live_log_l, other_log_l;
  std::vector<char> inside_live;
  for (std::size_t i = 0; i < log_l.size(); ++i) {
    if (!inside[i]) continue;
    inside_live.push_back(live[i]);
    (live[i] ? live_log_l : other_log_l).push_back(log_l[i]);
  }
  const std::vector<double> live_rank = average_ranks(live_log_l);
  const std::vector<double> other_rank = average_ranks(other_log_l);
  const double n_live = static_cast<double>(live_log_l.size());
  const double n_other = static_cast<double>(other_log_l.size());
  Eigen::VectorXd score(static_cast<Eigen::Index>(inside_live.size()));
  double lowest_live_score = 1.0;
  for (std::size_t i = 0, next_live = 0, next_other = 0; i < inside_live.size(); ++i) {
    if (inside_live[i]) {
      score[static_cast<Eigen::Index>(i)] = 0.5 * (1.0 + (live_rank[next_live++] - 0.5) / n_live);
      lowest_live_score = std::min(lowest_live_score, score[static_cast<Eigen::Index>(i)]);
    } else {
      score[static_cast<Eigen::Index>(i)] = 0.5 * (other_rank[next_other++] - 0.5) / n_other;
    }
  }
  const PointMatrix inputs = bound.ellipsoid_.to_unit_ball(select_columns(points, inside));
  bound.emulator_ =
      NetworkEnsemble::train(inputs, score, n_networks, seed, bound_id, first_network);
  bound.score_threshold_ = polynomial_fit_at(score, bound.emulator_.predict(inputs), 3, lowest_live_score);
  return bound;
}

void NeuralBound::add_contained(const PointMatrix& points, std::vector<char>& inside) const {
  std::vector<Eigen::Index> candidates;
  for (Eigen::Index i = 0; i < points.cols(); ++i)
    if (!inside[static_cast<std::size_t>(i)] && ellipsoid_.contains(points.col(i).data()))
      candidates.push_back(i);
  if (candidates.empty()) return;
  if (emulator_.networks().empty()) {
    for (Eigen::Index i : candidates) inside[static_cast<std::size_t>(i)] = 1;
    return;
  }
  PointMatrix gathered(points.rows(), static_cast<Eigen::Index>(candidates.size()));
  for (std::size_t k = 0; k < candidates.size(); ++k)
    gathered.col(static_cast<Eigen::Index>(k)) = points.col(candidates[k]);
  const Eigen::VectorXd predicted = emulator_.predict(ellipsoid_.to_unit_ball(gathered));
  for (std::size_t k = 0; k < candidates.size(); ++k)
    if (predicted[static_cast<Eigen::Index>(k)] > score_threshold_ - kScoreSlack)
      inside[static_cast<std::size_t>(candidates[k])] = 1;
}

NeuralBound NeuralBound::from_parts(Ellipsoid ellipsoid, NetworkEnsemble emulator, double threshold) {
  NeuralBound bound;
  bound.ellipsoid_ = std::move(ellipsoid);
  bound.emulator_ = std::move(emulator);
  bound.score_threshold_ = threshold;
  return bound;
}

}  // namespace nslab
