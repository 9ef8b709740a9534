#pragma once
// What the GPU tests share: skipping without a device, the CPU twin of each
// device likelihood, and reproducible prior draws.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/cuda/device_allocator.hpp"
#include "core/precision.hpp"
#include "likelihoods/analytic/gaussian.hpp"
#include "likelihoods/analytic/mixture.hpp"
#include "likelihoods/analytic/gaussian_cuda.hpp"
#include "likelihoods/analytic/mixture_cuda.hpp"
#include "likelihoods/synthetic/mapping_cuda.hpp"
#include "likelihoods/synthetic/mapping.hpp"
#include "tests/support/lens_cases.hpp"

// Without a device every GPU test skips and says why (docs/running.md).
#define NSLAB_SKIP_WITHOUT_CUDA_DEVICE()                                 \
  do {                                                                   \
    std::string nslab_reason_;                                           \
    if (::nslab::cuda_device_count(&nslab_reason_) == 0)                 \
      GTEST_SKIP() << "no CUDA device: " << nslab_reason_;               \
  } while (0)

namespace nslab::gpu_test {

// model: gaussian | mixture | mapping; size: dN for analytic, ci|hst for mapping.
inline std::unique_ptr<Likelihood> make_cpu(const std::string& model, const std::string& size,
                                            Precision precision) {
  const bool fp32 = precision == Precision::kFp32;
  if (model == "mapping") {
    if (fp32) return std::make_unique<MappingLikelihood<float>>(size);
    return std::make_unique<MappingLikelihood<double>>(size);
  }
  const int dim = std::stoi(size.substr(1));
  if (model == "gaussian") {
    if (fp32) return std::make_unique<GaussianLikelihood<float>>(dim);
    return std::make_unique<GaussianLikelihood<double>>(dim);
  }
  if (fp32) return std::make_unique<MixtureLikelihood<float>>(dim);
  return std::make_unique<MixtureLikelihood<double>>(dim);
}

inline std::unique_ptr<Likelihood> make_cuda(const std::string& model, const std::string& size,
                                             Precision precision) {
  const std::string context = "test " + model + "/" + size + "/" + to_string(precision);
  if (model == "mapping") return make_cuda_mapping_likelihood(size, precision, context);
  const int dim = std::stoi(size.substr(1));
  if (model == "gaussian") return make_cuda_gaussian_likelihood(dim, precision, context);
  return make_cuda_mixture_likelihood(dim, precision, context);
}

using lens_cases::prior_draws;  // uniform prior draws (tests/support/lens_cases.hpp)

// Evaluates in batches of `batch` points (0: all at once) with the
// likelihood's own workspace allocator, as the samplers do.
inline std::vector<double> evaluate_in_batches(const Likelihood& likelihood,
                                               const std::vector<double>& points,
                                               std::size_t batch = 0) {
  const std::size_t dim = likelihood.dim(), count = points.size() / dim;
  if (batch == 0) batch = count;
  std::vector<double> log_l(count);
  Workspace workspace(likelihood.workspace_allocator());
  for (std::size_t begin = 0; begin < count; begin += batch) {
    const std::size_t n = std::min(batch, count - begin);
    likelihood.evaluate(std::span<const double>(points).subspan(begin * dim, n * dim),
                        std::span<double>(log_l).subspan(begin, n), workspace);
  }
  return log_l;
}

// ms per evaluation of `points` as one batch: one warm-up call (the
// workspace, module loading), `after_warm_up` (e.g. resetting phase timers),
// then the mean over `repeats` calls.
inline double ms_per_eval(const Likelihood& likelihood, const std::vector<double>& points, Workspace& workspace,
                          int repeats, const std::function<void()>& after_warm_up = {}) {
  std::vector<double> log_l(points.size() / likelihood.dim());
  likelihood.evaluate(points, log_l, workspace);
  if (after_warm_up) after_warm_up();
  const auto t0 = std::chrono::steady_clock::now();
  for (int r = 0; r < repeats; ++r) likelihood.evaluate(points, log_l, workspace);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return ms / (repeats * static_cast<double>(log_l.size()));
}

}  // namespace nslab::gpu_test
