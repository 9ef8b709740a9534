#include "likelihoods/analytic/gaussian.hpp"

#include <cmath>

#include "core/error.hpp"

namespace nslab {
namespace {

Prior box_prior(int dim, double half_width) {
  return Prior(std::vector<ParameterPrior>(dim, ParameterPrior::uniform(-half_width, half_width)));
}
}  // namespace

GaussianProblem GaussianProblem::make(int dim) {
  if (dim < 1) throw UsageError("analytic/gaussian needs dim >= 1");
  GaussianProblem problem;
  problem.mean.resize(dim);
  problem.covariance.resize(dim, dim);
  Eigen::VectorXd sigma(dim);
  for (int i = 0; i < dim; ++i) {
    problem.mean[i] = 0.1 * ((i % 3) - 1);
    sigma[i] = dim == 1 ? 0.1 : 0.05 + 0.1 * i / (dim - 1);
  }
  for (int i = 0; i < dim; ++i)
    for (int j = 0; j < dim; ++j)
      problem.covariance(i, j) = std::pow(0.5, std::abs(i - j)) * sigma[i] * sigma[j];
  return problem;
}

template <class Real>
GaussianLikelihood<Real>::GaussianLikelihood(int dim)
    : PointwiseLikelihood(numbered_parameter_names(dim), box_prior(dim, 2.0)),
      problem_(GaussianProblem::make(dim)) {
  const Eigen::MatrixXd lower = problem_.covariance.llt().matrixL();
  cholesky_lower_ = lower.cast<Real>();
  mean_ = problem_.mean.cast<Real>();
  log_normaliser_ = -0.5 * dim * std::log(2.0 * M_PI) - lower.diagonal().array().log().sum();
}

template <class Real>
std::size_t GaussianLikelihood<Real>::bytes_per_replica() const {
  return aligned_array_bytes<Real>(dim());
}

template <class Real>
std::optional<double> GaussianLikelihood<Real>::reference_log_evidence() const {
  return -static_cast<double>(dim()) * std::log(2.0 * problem_.box_half_width);
}

template <class Real>
double GaussianLikelihood<Real>::log_likelihood(std::span<const double> theta,
                                                ScratchArena& scratch) const {
  const int d = static_cast<int>(dim());
  Eigen::Map<Eigen::Matrix<Real, Eigen::Dynamic, 1>> residual(scratch.take<Real>(d).data(), d);
  for (int i = 0; i < d; ++i) residual[i] = static_cast<Real>(theta[i]) - mean_[i];
  cholesky_lower_.template triangularView<Eigen::Lower>().solveInPlace(residual);
  double squared_norm = 0.0;  // accumulated in double at either precision
  for (int i = 0; i < d; ++i) squared_norm += static_cast<double>(residual[i]) * residual[i];
  return log_normaliser_ - 0.5 * squared_norm;
}

template class GaussianLikelihood<double>;
template class GaussianLikelihood<float>;

}  // namespace nslab
