#include "likelihoods/synthetic/mapping.hpp"

#include <Eigen/Dense>
#include <limits>

namespace nslab {

template <class Real>
MappingLikelihood<Real>::MappingLikelihood(const std::string& instrument)
    : PointwiseLikelihood(MappingProblem::parameter_names(), MappingProblem::prior()),
      problem_(MappingProblem::make(MappingShape::for_instrument(instrument))),
      data_(problem_.image_pixels()) {
  for (std::size_t i = 0; i < problem_.image_pixels(); ++i)
    data_[i] = static_cast<Real>(problem_.data[i]);
}

template <class Real>
std::size_t MappingLikelihood<Real>::bytes_per_replica() const {
  const std::size_t n = problem_.image_pixels(), s = problem_.source_pixels();
  return aligned_array_bytes<Real>(n * s)    // mapping matrix M
         + aligned_array_bytes<Real>(s * s)  // curvature F, factorised in place
         + aligned_array_bytes<Real>(s)      // right-hand side, then solution
         + aligned_array_bytes<Real>(n);     // model image
}

template <class Real>
double MappingLikelihood<Real>::log_likelihood(std::span<const double> theta,
                                               ScratchArena& scratch) const {
  using Matrix = Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic>;
  using Vector = Eigen::Matrix<Real, Eigen::Dynamic, 1>;
  const Eigen::Index n = problem_.image_pixels(), s = problem_.source_pixels();
  Eigen::Map<Matrix> mapping(scratch.take<Real>(n * s).data(), n, s);
  Eigen::Map<Matrix> curvature(scratch.take<Real>(s * s).data(), s, s);
  Eigen::Map<Vector> solution(scratch.take<Real>(s).data(), s);
  Eigen::Map<Vector> model(scratch.take<Real>(n).data(), n);
  Eigen::Map<const Vector> data(data_.data(), n);

  // The scatter-add that made JAX run out of memory: one dense row per pixel.
  mapping.setZero();
  for (Eigen::Index i = 0; i < n; ++i) {
    double beta_y, beta_x;
    trace_to_source(theta.data(), problem_.image_y[i], problem_.image_x[i], beta_y, beta_x);
    const BilinearWeights weights = source_bilinear_weights(problem_, beta_y, beta_x);
    for (int k = 0; k < weights.count; ++k)
      mapping(i, weights.index[k]) += static_cast<Real>(weights.weight[k]);
  }
  const Real inverse_variance = static_cast<Real>(1.0 / (problem_.noise_sigma * problem_.noise_sigma));
  curvature.setZero();
  curvature.template selfadjointView<Eigen::Lower>().rankUpdate(mapping.transpose(),
                                                                inverse_variance);
  curvature.diagonal().array() += static_cast<Real>(problem_.regularization);
  solution.noalias() = inverse_variance * (mapping.transpose() * data);
  Eigen::LLT<Eigen::Ref<Matrix>, Eigen::Lower> cholesky(curvature);
  if (cholesky.info() != Eigen::Success) return -std::numeric_limits<double>::infinity();
  cholesky.solveInPlace(solution);
  model.noalias() = mapping * solution;

  double residual = 0.0;  // accumulated in double at either precision
  for (Eigen::Index i = 0; i < n; ++i) {
    const double difference = static_cast<double>(data[i]) - static_cast<double>(model[i]);
    residual += difference * difference;
  }
  residual /= problem_.noise_sigma * problem_.noise_sigma;
  double prior_term = 0.0;
  for (std::size_t k = 0; k < theta.size(); ++k) {
    const double z = (theta[k] - problem_.truth[k]) / problem_.truth_width[k];
    prior_term += z * z;
  }
  return -0.5 * prior_term - 0.5 * residual / static_cast<double>(n);
}

template class MappingLikelihood<double>;
template class MappingLikelihood<float>;

}  // namespace nslab
