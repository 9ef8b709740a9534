#pragma once
// An owning array whose memory is counted by an allocator's meter: what a
// likelihood keeps for the whole run (dataset, precomputed operators) lives
// in these, so it shows up as the fixed overhead of the memory model.
#include <cstddef>
#include <span>
#include <utility>

#include "core/allocator.hpp"

namespace nslab {

template <class T>
class TrackedBuffer {
 public:
  TrackedBuffer() = default;
  TrackedBuffer(std::size_t count, Allocator& allocator = host_allocator())
      : allocator_(&allocator), count_(count),
        data_(static_cast<T*>(allocator.allocate(count * sizeof(T)))) {}
  TrackedBuffer(const TrackedBuffer&) = delete;
  TrackedBuffer& operator=(const TrackedBuffer&) = delete;
  TrackedBuffer(TrackedBuffer&& other) noexcept { swap(other); }
  TrackedBuffer& operator=(TrackedBuffer&& other) noexcept {
    TrackedBuffer(std::move(other)).swap(*this);
    return *this;
  }
  ~TrackedBuffer() {
    if (allocator_ != nullptr) allocator_->deallocate(data_, count_ * sizeof(T));
  }

  T* data() { return data_; }
  const T* data() const { return data_; }
  std::size_t size() const { return count_; }
  T& operator[](std::size_t i) { return data_[i]; }
  const T& operator[](std::size_t i) const { return data_[i]; }
  std::span<T> span() { return {data_, count_}; }
  std::span<const T> span() const { return {data_, count_}; }
  std::size_t bytes() const { return aligned_array_bytes<T>(count_); }

 private:
  void swap(TrackedBuffer& other) noexcept {
    std::swap(allocator_, other.allocator_);
    std::swap(count_, other.count_);
    std::swap(data_, other.data_);
  }
  Allocator* allocator_ = nullptr;
  std::size_t count_ = 0;
  T* data_ = nullptr;
};

}  // namespace nslab
