#pragma once
// analytic/mixture: two well-separated isotropic Gaussian modes in a box.
//
// Box [-1, 1]^d; modes at (+0.5, 0, ..., 0) and (-0.5, 0, ..., 0) with
// weights 0.6 and 0.4 and sigma 0.05. The modes are 20 sigma apart and every
// box face is at least 10 sigma from both, so the mass outside the box is
// below 2d * Phi(-10) < 1e-21 and log Z = -d log 2. The unequal weights make
// a sampler that loses a mode visibly wrong.
#include "core/precision.hpp"
#include "likelihoods/likelihood.hpp"

namespace nslab {

template <class Real>
class MixtureLikelihood final : public PointwiseLikelihood {
 public:
  explicit MixtureLikelihood(int dim);
  std::size_t bytes_per_replica() const override { return 0; }
  std::optional<double> reference_log_evidence() const override;

  static constexpr double kSigma = 0.05;
  static constexpr double kModeOffset = 0.5;
  static constexpr double kWeightPositive = 0.6;

 private:
  double log_likelihood(std::span<const double> theta, ScratchArena& scratch) const override;
};

}  // namespace nslab
