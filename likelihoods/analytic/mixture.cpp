#include "likelihoods/analytic/mixture.hpp"

#include <cmath>

#include "core/error.hpp"
#include "core/log_math.hpp"

namespace nslab {
template <class Real>
MixtureLikelihood<Real>::MixtureLikelihood(int dim)
    : PointwiseLikelihood(numbered_parameter_names(dim),
                          Prior(std::vector<ParameterPrior>(dim, ParameterPrior::uniform(-1, 1)))) {
  if (dim < 1) throw UsageError("analytic/mixture needs dim >= 1");
}

template <class Real>
std::optional<double> MixtureLikelihood<Real>::reference_log_evidence() const {
  return -static_cast<double>(dim()) * std::log(2.0);
}

template <class Real>
double MixtureLikelihood<Real>::log_likelihood(std::span<const double> theta,
                                               ScratchArena&) const {
  const std::size_t d = dim();
  double shared = 0.0;  // squared distance in the coordinates both modes share
  for (std::size_t i = 1; i < d; ++i) {
    const Real x = static_cast<Real>(theta[i]);
    shared += static_cast<double>(x * x);
  }
  const Real x0 = static_cast<Real>(theta[0]);
  const Real to_positive = x0 - static_cast<Real>(kModeOffset);
  const Real to_negative = x0 + static_cast<Real>(kModeOffset);
  const double inverse_variance = 1.0 / (kSigma * kSigma);
  const double log_norm = -0.5 * d * std::log(2.0 * M_PI * kSigma * kSigma);
  const double positive = std::log(kWeightPositive) + log_norm -
                          0.5 * inverse_variance * (shared + double(to_positive * to_positive));
  const double negative = std::log(1.0 - kWeightPositive) + log_norm -
                          0.5 * inverse_variance * (shared + double(to_negative * to_negative));
  return log_add_exp(positive, negative);
}

template class MixtureLikelihood<double>;
template class MixtureLikelihood<float>;

}  // namespace nslab
