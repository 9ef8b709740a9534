#pragma once
// A neural-network bound (docs/nautilus.md, "The bound"): an enlarged ellipsoid
// around one cluster of live points, cut down to where a network ensemble
// predicts a likelihood rank score at least that of the lowest live point.
//
// The networks learn a score, not log L: live points (log L >= log_l_min) map
// by rank into (1/2, 1), the other points inside the ellipsoid into (0, 1/2).
// The cut is where a cubic fit of predicted against true score reaches the
// lowest live score; 1e-9 of slack keeps points when the networks predict
// nearly a constant (noisy likelihoods, nautilus issue #27).
#include <vector>

#include "samplers/nautilus/ellipsoid.hpp"
#include "samplers/nautilus/network_ensemble.hpp"

namespace nslab {

// Ranks 1..n with ties given their average rank (scipy's rankdata).
std::vector<double> average_ranks(const std::vector<double>& values);

class NeuralBound {
 public:
  static constexpr double kScoreSlack = 1e-9;

  NeuralBound() = default;
  // points/log_l: the points inside this cluster's ellipsoid. Networks are
  // keyed first_network, first_network + 1, ... within bound build bound_id.
  static NeuralBound compute(const PointMatrix& points, const std::vector<double>& log_l,
                             double log_l_min, double enlarge_per_dim, std::size_t n_networks,
                             std::uint64_t seed, std::uint32_t bound_id,
                             std::uint32_t first_network);

  // inside[i] set when points.col(i) is in the ellipsoid and scores above the cut;
  // only columns with inside[i] still unset are examined.
  void add_contained(const PointMatrix& points, std::vector<char>& inside) const;

  const Ellipsoid& ellipsoid() const { return ellipsoid_; }
  const NetworkEnsemble& emulator() const { return emulator_; }
  double score_threshold() const { return score_threshold_; }
  static NeuralBound from_parts(Ellipsoid ellipsoid, NetworkEnsemble emulator, double threshold);

 private:
  Ellipsoid ellipsoid_;
  NetworkEnsemble emulator_;  // no networks: the ellipsoid alone
  double score_threshold_ = 0.0;
};

// Least-squares polynomial of the given degree through (x, y), evaluated at at.
double polynomial_fit_at(const Eigen::VectorXd& x, const Eigen::VectorXd& y, int degree, double at);

}  // namespace nslab
