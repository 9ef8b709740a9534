// Host code only; a .cu file so that only CUDA builds compile it.
#include "likelihoods/cuda/device_batch.cuh"

#include "core/cuda/cuda_check.hpp"
#include "core/error.hpp"

namespace nslab {

CudaStream::CudaStream() { NSLAB_CUDA_CHECK(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking)); }

CudaStream::~CudaStream() {
  if (stream_ != nullptr && cudaStreamDestroy(stream_) != cudaSuccess) (void)cudaGetLastError();
}

void require_cuda_device(const std::string& what) {
  std::string reason;
  if (cuda_device_count(&reason) == 0)
    throw RunError(what + " needs a CUDA device, and there is none (" + reason + ")");
}

void require_device_workspace(const Workspace& workspace, std::size_t bytes_per_replica) {
  if (bytes_per_replica > 0 && !workspace.allocator().is_device())
    throw std::logic_error(
        "a device likelihood was handed a host workspace: make it from the likelihood's "
        "workspace_allocator()");
}

DeviceBatchStaging::DeviceBatchStaging(std::size_t values_per_point, std::size_t capacity)
    : values_per_point_(values_per_point), capacity_(capacity),
      rows_(capacity * values_per_point, device_allocator()),
      log_l_(capacity, device_allocator()),
      flags_(capacity, device_allocator()) {}

const double* DeviceBatchStaging::upload(std::span<const double> rows, cudaStream_t stream) {
  if (rows.size() > capacity_ * values_per_point_ || rows.size() % values_per_point_ != 0)
    throw std::logic_error("device staging: " + std::to_string(rows.size()) +
                           " values do not make at most " + std::to_string(capacity_) +
                           " rows of " + std::to_string(values_per_point_));
  NSLAB_CUDA_CHECK(cudaMemcpyAsync(rows_.data(), rows.data(), rows.size_bytes(),
                                   cudaMemcpyHostToDevice, stream));
  return rows_.data();
}

void DeviceBatchStaging::download(std::span<double> log_l, cudaStream_t stream) {
  NSLAB_CUDA_CHECK(cudaMemcpyAsync(log_l.data(), log_l_.data(), log_l.size_bytes(),
                                   cudaMemcpyDeviceToHost, stream));
  NSLAB_CUDA_CHECK(cudaStreamSynchronize(stream));
}

Allocator& LazyWorkspaceAllocator::get(std::size_t bytes_per_replica) const {
  std::call_once(once_, [&] {
    allocator_ = std::make_unique<DeviceWorkspaceAllocator>(context_, bytes_per_replica);
  });
  return *allocator_;
}

}  // namespace nslab
