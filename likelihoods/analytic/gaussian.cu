// analytic/gaussian on the device: the same problem as gaussian.cpp, one
// thread per point, the residual vector in the point's workspace replica.
#include <cmath>
#include <mutex>

#include "core/cuda/cuda_check.hpp"
#include "likelihoods/analytic/gaussian_factors.hpp"
#include "likelihoods/analytic/gaussian_cuda.hpp"
#include "likelihoods/cuda/device_batch.cuh"

namespace nslab {
namespace {

constexpr int kThreadsPerBlock = 128;

// log L = log_normaliser - |L^-1 (theta - mean)|^2 / 2, with the squared norm
// accumulated in double at either precision (as on the CPU). Each point works
// alone and in a fixed order: its value cannot depend on its batch.
template <class Real>
__global__ void gaussian_log_likelihood_kernel(const double* points, int dim, int count,
                                               const Real* mean, const Real* lower,
                                               double log_normaliser, std::byte* replicas,
                                               std::size_t replica_stride, double* log_l) {
  const int p = blockIdx.x * blockDim.x + threadIdx.x;
  if (p >= count) return;
  const double* theta = points + static_cast<std::size_t>(p) * dim;
  Real* residual = reinterpret_cast<Real*>(replicas + static_cast<std::size_t>(p) * replica_stride);
  for (int i = 0; i < dim; ++i) residual[i] = static_cast<Real>(theta[i]) - mean[i];
  for (int i = 0; i < dim; ++i) {  // forward substitution, L lower triangular
    Real value = residual[i];
    for (int j = 0; j < i; ++j) value -= lower[i * dim + j] * residual[j];
    residual[i] = value / lower[i * dim + i];
  }
  double squared_norm = 0.0;
  for (int i = 0; i < dim; ++i)
    squared_norm += static_cast<double>(residual[i]) * static_cast<double>(residual[i]);
  log_l[p] = log_normaliser - 0.5 * squared_norm;
}

Prior box_prior(int dim, double half_width) {
  return Prior(std::vector<ParameterPrior>(dim, ParameterPrior::uniform(-half_width, half_width)));
}

template <class Real>
class CudaGaussianLikelihood final : public Likelihood {
 public:
  CudaGaussianLikelihood(const GaussianFactors& factors, const std::string& context)
      : Likelihood(numbered_parameter_names(factors.dim), box_prior(factors.dim, factors.box_half_width)),
        factors_(factors), workspace_allocator_(context),
        mean_(device_copy_as<Real>(factors.mean, stream_.get())),
        lower_(device_copy_as<Real>(factors.lower_row_major, stream_.get())),
        staging_(factors.dim) {}

  // The same as the CPU version: the residual vector.
  std::size_t bytes_per_replica() const override { return aligned_array_bytes<Real>(dim()); }
  std::optional<double> reference_log_evidence() const override {
    return -static_cast<double>(dim()) * std::log(2.0 * factors_.box_half_width);
  }
  Allocator& workspace_allocator() const override {
    return workspace_allocator_.get(bytes_per_replica());
  }

 private:
  void do_evaluate(std::span<const double> points, std::span<double> log_l,
                   Workspace& workspace) const override {
    require_device_workspace(workspace, bytes_per_replica());
    std::lock_guard lock(mutex_);  // one batch at a time through the staging buffers
    const std::size_t d = dim();
    for (std::size_t begin = 0; begin < log_l.size(); begin += staging_.capacity()) {
      const std::size_t count = std::min(staging_.capacity(), log_l.size() - begin);
      const double* device_points = staging_.upload(points.subspan(begin * d, count * d), stream_.get());
      const int blocks = static_cast<int>((count + kThreadsPerBlock - 1) / kThreadsPerBlock);
      gaussian_log_likelihood_kernel<Real><<<blocks, kThreadsPerBlock, 0, stream_.get()>>>(
          device_points, static_cast<int>(d), static_cast<int>(count), mean_.data(), lower_.data(),
          factors_.log_normaliser, workspace.replica(begin), workspace.stride_bytes(),
          staging_.log_l());
      NSLAB_CUDA_CHECK_LAUNCH();
      staging_.download(log_l.subspan(begin, count), stream_.get());
    }
  }

  GaussianFactors factors_;
  LazyWorkspaceAllocator workspace_allocator_;
  CudaStream stream_;
  TrackedBuffer<Real> mean_, lower_;
  mutable DeviceBatchStaging staging_;
  mutable std::mutex mutex_;
};

}  // namespace

std::unique_ptr<Likelihood> make_cuda_gaussian_likelihood(int dim, Precision precision,
                                                          const std::string& context) {
  require_cuda_device("analytic/gaussian with backend=cuda");
  const GaussianFactors factors = gaussian_factors(dim);
  if (precision == Precision::kFp32) return std::make_unique<CudaGaussianLikelihood<float>>(factors, context);
  return std::make_unique<CudaGaussianLikelihood<double>>(factors, context);
}

}  // namespace nslab
