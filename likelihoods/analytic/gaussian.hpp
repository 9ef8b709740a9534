#pragma once
// analytic/gaussian: a correlated Gaussian inside a uniform box.
//
// Box [-2, 2]^d; mean mu_i = 0.1 * ((i mod 3) - 1); standard deviations
// spaced evenly in [0.05, 0.15]; AR(1) correlation 0.5^|i-j|. Every box face
// is at least 1.9 / 0.15 = 12.6 sigma from the mean, so the mass outside the
// box is below 2d * Phi(-12.6) < 1e-34 and log Z = -d log 4 exactly in double.
#include <Eigen/Dense>

#include "core/precision.hpp"
#include "likelihoods/likelihood.hpp"

namespace nslab {

struct GaussianProblem {
  Eigen::VectorXd mean;
  Eigen::MatrixXd covariance;
  double box_half_width = 2.0;
  static GaussianProblem make(int dim);
};

template <class Real>
class GaussianLikelihood final : public PointwiseLikelihood {
 public:
  explicit GaussianLikelihood(int dim);
  std::size_t bytes_per_replica() const override;
  std::optional<double> reference_log_evidence() const override;
  const GaussianProblem& problem() const { return problem_; }

 private:
  double log_likelihood(std::span<const double> theta, ScratchArena& scratch) const override;
  GaussianProblem problem_;
  Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic> cholesky_lower_;
  Eigen::Matrix<Real, Eigen::Dynamic, 1> mean_;
  double log_normaliser_;
};

}  // namespace nslab
