#include "likelihoods/analytic/gaussian_factors.hpp"

#include <cmath>

#include "likelihoods/analytic/gaussian.hpp"

namespace nslab {

// The same expressions as GaussianLikelihood's constructor, compiled by the
// same compiler with the same flags, so the values are bit-identical.
GaussianFactors gaussian_factors(int dim) {
  const GaussianProblem problem = GaussianProblem::make(dim);
  const Eigen::MatrixXd lower = problem.covariance.llt().matrixL();
  GaussianFactors factors;
  factors.dim = dim;
  factors.mean.assign(problem.mean.data(), problem.mean.data() + dim);
  factors.lower_row_major.resize(static_cast<std::size_t>(dim) * dim);
  for (int i = 0; i < dim; ++i)
    for (int j = 0; j < dim; ++j) factors.lower_row_major[i * dim + j] = j <= i ? lower(i, j) : 0.0;
  factors.log_normaliser = -0.5 * dim * std::log(2.0 * M_PI) - lower.diagonal().array().log().sum();
  factors.box_half_width = problem.box_half_width;
  return factors;
}

}  // namespace nslab
