#pragma once
// One replica region of a device likelihood's workspace, in host memory, for
// the host emulations: aligned as the device allocator aligns it, and
// poisoned with NaN bytes before each point so that a step reading an entry
// no step wrote shows up as a NaN log-likelihood.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/allocator.hpp"

namespace nslab {

class ReplicaRegion {
 public:
  explicit ReplicaRegion(std::size_t bytes)
      : bytes_(aligned_bytes(bytes)), storage_(bytes_ + kAllocationAlignment) {
    const auto address = reinterpret_cast<std::uintptr_t>(storage_.data());
    base_ = storage_.data() + (kAllocationAlignment - address % kAllocationAlignment) % kAllocationAlignment;
  }
  std::size_t bytes() const { return bytes_; }
  // 0xFF bytes: every double and float read from them is a NaN.
  void poison() { std::memset(base_, 0xFF, bytes_); }
  template <class T>
  T* at(std::size_t offset) {
    return reinterpret_cast<T*>(base_ + offset);
  }

 private:
  std::size_t bytes_;
  std::vector<std::byte> storage_;
  std::byte* base_;
};

}  // namespace nslab
