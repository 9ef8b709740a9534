#pragma once
// A likelihood from a lambda, for tests that need odd behaviour (constant,
// NaN, -inf almost everywhere) or a known memory footprint.
#include <functional>

#include "likelihoods/likelihood.hpp"

namespace nslab::testing {

class FunctionLikelihood final : public PointwiseLikelihood {
 public:
  using Function = std::function<double(std::span<const double>)>;
  FunctionLikelihood(std::size_t dim, Function function, std::size_t bytes_per_replica = 0,
                     double half_width = 1.0)
      : PointwiseLikelihood(numbered_parameter_names(dim),
                            Prior(std::vector<ParameterPrior>(
                                dim, ParameterPrior::uniform(-half_width, half_width)))),
        function_(std::move(function)), bytes_(bytes_per_replica) {}
  std::size_t bytes_per_replica() const override { return bytes_; }

 private:
  double log_likelihood(std::span<const double> theta, ScratchArena& scratch) const override {
    if (bytes_ > 0) scratch.take<std::byte>(bytes_);
    return function_(theta);
  }
  Function function_;
  std::size_t bytes_;
};

}  // namespace nslab::testing
