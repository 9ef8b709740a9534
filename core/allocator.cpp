#include "core/allocator.hpp"

#include <cstdlib>
#include <string>

#include "core/error.hpp"
#include "core/host_memory.hpp"

namespace nslab {

void* Allocator::allocate(std::size_t bytes) {
  const std::size_t rounded = aligned_bytes(bytes);
  if (rounded == 0) return nullptr;
  void* pointer = do_allocate(rounded);
  meter().add(rounded);
  return pointer;
}

void Allocator::deallocate(void* pointer, std::size_t bytes) {
  if (pointer == nullptr) return;
  do_deallocate(pointer);
  meter().remove(aligned_bytes(bytes));
}

std::size_t Allocator::available_bytes() const { return host_memory_room().bytes; }

namespace {
class HostAllocator final : public Allocator {
 public:
  MemoryMeter& meter() override { return host_memory_meter(); }
  bool is_device() const override { return false; }

 private:
  void* do_allocate(std::size_t bytes) override {
    void* pointer = std::aligned_alloc(kAllocationAlignment, bytes);
    if (pointer == nullptr) throw OutOfHostMemory(host_allocation_failure(bytes));
    return pointer;
  }
  void do_deallocate(void* pointer) override { std::free(pointer); }
};
}  // namespace

Allocator& host_allocator() {
  static HostAllocator allocator;
  return allocator;
}

}  // namespace nslab
