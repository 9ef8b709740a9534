#pragma once
// The working memory of one batched likelihood call: k replica regions of
// bytes_per_replica each, allocated through an allocator (so it is metered)
// and kept between calls. This is exactly the memory that chunk_size and
// n_batch bound: peak = k x bytes_per_replica + the fixed overhead.
#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>

#include "core/allocator.hpp"

namespace nslab {

class Workspace {
 public:
  explicit Workspace(Allocator& allocator = host_allocator()) : allocator_(&allocator) {}
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;
  ~Workspace() { release(); }

  // Makes room for `replicas` regions of `bytes_per_replica` bytes (each a
  // multiple of kAllocationAlignment). Grows, never shrinks; the old block is
  // freed before the larger one is taken so the peak is the larger one alone.
  void reserve(std::size_t replicas, std::size_t bytes_per_replica) {
    const std::size_t needed = replicas * aligned_bytes(bytes_per_replica);
    stride_ = aligned_bytes(bytes_per_replica);
    if (needed <= capacity_) return;
    release();
    base_ = static_cast<std::byte*>(allocator_->allocate(needed));
    capacity_ = needed;
  }
  std::byte* replica(std::size_t i) const { return base_ + i * stride_; }
  std::size_t stride_bytes() const { return stride_; }
  std::size_t capacity_bytes() const { return capacity_; }
  Allocator& allocator() const { return *allocator_; }

  void release() {
    allocator_->deallocate(base_, capacity_);
    base_ = nullptr;
    capacity_ = 0;
  }

 private:
  Allocator* allocator_;
  std::byte* base_ = nullptr;
  std::size_t capacity_ = 0;
  std::size_t stride_ = 0;
};

// Bump allocation inside one replica region. Taking more than the region
// holds means the likelihood's bytes_per_replica is wrong: a bug, so it throws.
class ScratchArena {
 public:
  ScratchArena(std::byte* base, std::size_t capacity) : base_(base), capacity_(capacity) {}

  template <class T>
  std::span<T> take(std::size_t count) {
    const std::size_t bytes = aligned_array_bytes<T>(count);
    if (used_ + bytes > capacity_)
      throw std::logic_error("likelihood scratch overflow: bytes_per_replica " +
                             std::to_string(capacity_) + " is too small (needs at least " +
                             std::to_string(used_ + bytes) + ")");
    T* pointer = reinterpret_cast<T*>(base_ + used_);
    used_ += bytes;
    return {pointer, count};
  }
  std::size_t used_bytes() const { return used_; }
  std::size_t capacity_bytes() const { return capacity_; }

 private:
  std::byte* base_;
  std::size_t capacity_;
  std::size_t used_ = 0;
};

}  // namespace nslab
