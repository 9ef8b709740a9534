#pragma once
// Splitting a point cloud in two (docs/nautilus.md, "The bound"): a
// 2-component Gaussian mixture, as nautilus does with scikit-learn's
// GaussianMixture: full covariances, 10 starts, each from k-means (k-means++ seeding, Lloyd
// iterations), EM to a change in mean log-likelihood below 1e-3, the start
// with the highest likelihood kept; points go to the component with the
// larger weighted density, and a component left with fewer than
// n_points_min points takes the n_points_min points it explains best.
#include <cstddef>
#include <optional>
#include <vector>

#include "samplers/nautilus/bound_random.hpp"
#include "samplers/nautilus/point_matrix.hpp"

namespace nslab {

struct TwoComponentSplitOptions {
  int n_init = 10;
  int max_em_iterations = 100;
  double tolerance = 1e-3;
  double covariance_regularisation = 1e-6;
  int max_lloyd_iterations = 300;
};

// Labels (0 or 1) per point, or nullopt when no start gave a usable mixture
// (every covariance singular). Draws come from `random` with counter `split`.
std::optional<std::vector<int>> split_in_two(const PointMatrix& points, std::size_t n_points_min,
                                             const BoundRandom& random, std::uint32_t split,
                                             const TwoComponentSplitOptions& options = {});

}  // namespace nslab
