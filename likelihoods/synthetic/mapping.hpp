#pragma once
// synthetic/mapping: the project's memory probe. Like PyAutoLens's dense
// inversion, every evaluation scatters into a dense N_pix x S mapping matrix
// M, forms F = M^T M / sigma^2 + lambda I, Cholesky-solves F s = M^T d / sigma^2
// and measures the residual. Sizes: `ci` (a small mask, 10 x 10 source grid)
// and `hst` (the HST mask's 15,361 pixels x a 30 x 50 = 1,500 source grid,
// the shape of the real Delaunay cell).
//
// Parameters (scale, rotation, shift_y, shift_x) map image positions to the
// source plane, beta = scale R(rotation) x + shift, with bilinear weights on
// the source grid. The data are M(theta0) s0 for a smooth s0, so the fit is
// exact at theta0. Because a free source can follow a similarity transform,
// the residual alone is nearly flat in theta; a Gaussian term centred on
// theta0 makes the maximum unique:
//   log L = -1/2 sum_k ((theta_k - theta0_k) / w_k)^2 - 1/2 r(theta) / N_pix,
//   r = sum_i (d_i - (M s)_i)^2 / sigma^2 >= 0, r(theta0) ~ 0,
// so max log L is at theta0 and is ~0 (both terms are maximised there).
#include <string>

#include "core/precision.hpp"
#include "core/tracked_buffer.hpp"
#include "likelihoods/likelihood.hpp"

namespace nslab {

struct MappingShape {
  std::string instrument;
  double pixel_scale;    // [arcsec]
  double mask_radius;    // [arcsec]
  int source_rows, source_cols;
  static MappingShape for_instrument(const std::string& instrument);
};

// Everything a mapping evaluation needs that does not depend on theta; shared
// by the CPU and CUDA implementations.
struct MappingProblem {
  MappingShape shape;
  std::vector<double> image_y, image_x;  // masked pixel centres [arcsec]
  std::vector<double> data;              // N_pix
  double noise_sigma = 0.05;
  double regularization = 1e-2;          // lambda
  double source_half_width = 2.2;        // source grid spans [-w, w]^2
  std::vector<double> truth;             // theta0
  std::vector<double> truth_width;       // w_k
  std::size_t image_pixels() const { return image_y.size(); }
  std::size_t source_pixels() const {
    return static_cast<std::size_t>(shape.source_rows) * shape.source_cols;
  }
  static MappingProblem make(const MappingShape& shape);
  static Prior prior();
  static std::vector<std::string> parameter_names();
};

// Bilinear weights of a source-plane point on the grid: up to 4 (index, weight).
struct BilinearWeights {
  int index[4];
  double weight[4];
  int count;
};
BilinearWeights source_bilinear_weights(const MappingProblem& problem, double beta_y,
                                        double beta_x);
void trace_to_source(const double* theta, double image_y, double image_x, double& beta_y,
                     double& beta_x);

template <class Real>
class MappingLikelihood final : public PointwiseLikelihood {
 public:
  explicit MappingLikelihood(const std::string& instrument);
  std::size_t bytes_per_replica() const override;
  const MappingProblem& problem() const { return problem_; }
  std::optional<std::vector<double>> truth_parameters() const override { return problem_.truth; }

 private:
  double log_likelihood(std::span<const double> theta, ScratchArena& scratch) const override;
  MappingProblem problem_;
  TrackedBuffer<Real> data_;  // the dataset, counted as fixed overhead
};

}  // namespace nslab
