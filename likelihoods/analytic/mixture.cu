// analytic/mixture on the device: the same problem as mixture.cpp, one thread
// per point, no workspace (bytes_per_replica is 0, as on the CPU).
#include <cmath>
#include <limits>
#include <mutex>

#include <math_constants.h>

#include "core/cuda/cuda_check.hpp"
#include "likelihoods/analytic/mixture.hpp"
#include "likelihoods/analytic/mixture_cuda.hpp"
#include "likelihoods/cuda/device_batch.cuh"

namespace nslab {
namespace {

constexpr int kThreadsPerBlock = 128;

// Everything that does not depend on the point, computed on the host with the
// CPU version's own expressions, so only per-point arithmetic runs here.
struct MixtureConstants {
  double log_weight_positive;  // log(w) + log normaliser
  double log_weight_negative;  // log(1 - w) + log normaliser
  double inverse_variance;
  double mode_offset;
};

__device__ double device_log_add_exp(double a, double b) {  // core/log_math.hpp's log_add_exp
  const double negative_infinity = -CUDART_INF;
  if (a == negative_infinity) return b;
  if (b == negative_infinity) return a;
  const double high = fmax(a, b);
  return high + log1p(exp(-fabs(a - b)));
}

template <class Real>
__global__ void mixture_log_likelihood_kernel(const double* points, int dim, int count,
                                              MixtureConstants constants, double* log_l) {
  const int p = blockIdx.x * blockDim.x + threadIdx.x;
  if (p >= count) return;
  const double* theta = points + static_cast<std::size_t>(p) * dim;
  double shared = 0.0;  // squared distance in the coordinates both modes share
  for (int i = 1; i < dim; ++i) {
    const Real x = static_cast<Real>(theta[i]);
    shared += static_cast<double>(x * x);
  }
  const Real x0 = static_cast<Real>(theta[0]);
  const Real to_positive = x0 - static_cast<Real>(constants.mode_offset);
  const Real to_negative = x0 + static_cast<Real>(constants.mode_offset);
  const double positive = constants.log_weight_positive -
                          0.5 * constants.inverse_variance *
                              (shared + static_cast<double>(to_positive * to_positive));
  const double negative = constants.log_weight_negative -
                          0.5 * constants.inverse_variance *
                              (shared + static_cast<double>(to_negative * to_negative));
  log_l[p] = device_log_add_exp(positive, negative);
}

template <class Real>
class CudaMixtureLikelihood final : public Likelihood {
  using Cpu = MixtureLikelihood<Real>;

 public:
  CudaMixtureLikelihood(int dim, const std::string& context)
      : Likelihood(numbered_parameter_names(dim),
                   Prior(std::vector<ParameterPrior>(dim, ParameterPrior::uniform(-1, 1)))),
        workspace_allocator_(context), staging_(dim) {
    const double log_norm = -0.5 * dim * std::log(2.0 * M_PI * Cpu::kSigma * Cpu::kSigma);
    constants_.log_weight_positive = std::log(Cpu::kWeightPositive) + log_norm;
    constants_.log_weight_negative = std::log(1.0 - Cpu::kWeightPositive) + log_norm;
    constants_.inverse_variance = 1.0 / (Cpu::kSigma * Cpu::kSigma);
    constants_.mode_offset = Cpu::kModeOffset;
  }

  std::size_t bytes_per_replica() const override { return 0; }
  std::optional<double> reference_log_evidence() const override {
    return -static_cast<double>(dim()) * std::log(2.0);
  }
  Allocator& workspace_allocator() const override {
    return workspace_allocator_.get(bytes_per_replica());
  }

 private:
  void do_evaluate(std::span<const double> points, std::span<double> log_l,
                   Workspace&) const override {
    std::lock_guard lock(mutex_);
    const std::size_t d = dim();
    for (std::size_t begin = 0; begin < log_l.size(); begin += staging_.capacity()) {
      const std::size_t count = std::min(staging_.capacity(), log_l.size() - begin);
      const double* device_points = staging_.upload(points.subspan(begin * d, count * d), stream_.get());
      const int blocks = static_cast<int>((count + kThreadsPerBlock - 1) / kThreadsPerBlock);
      mixture_log_likelihood_kernel<Real><<<blocks, kThreadsPerBlock, 0, stream_.get()>>>(
          device_points, static_cast<int>(d), static_cast<int>(count), constants_, staging_.log_l());
      NSLAB_CUDA_CHECK_LAUNCH();
      staging_.download(log_l.subspan(begin, count), stream_.get());
    }
  }

  MixtureConstants constants_{};
  LazyWorkspaceAllocator workspace_allocator_;
  CudaStream stream_;
  mutable DeviceBatchStaging staging_;
  mutable std::mutex mutex_;
};

}  // namespace

std::unique_ptr<Likelihood> make_cuda_mixture_likelihood(int dim, Precision precision,
                                                         const std::string& context) {
  if (dim < 1) throw UsageError("analytic/mixture needs dim >= 1");
  require_cuda_device("analytic/mixture with backend=cuda");
  if (precision == Precision::kFp32) return std::make_unique<CudaMixtureLikelihood<float>>(dim, context);
  return std::make_unique<CudaMixtureLikelihood<double>>(dim, context);
}

}  // namespace nslab
