#pragma once
// How much more host memory this process may take, and what bounds it: the
// smallest of MemAvailable, the address-space limit (ulimit -v) less what is
// mapped, and the cgroup's memory limit less its usage (v2, then v1).
#include <cstddef>
#include <string>

namespace nslab {

struct HostMemoryRoom {
  std::size_t bytes = 0;
  std::string bound;  // "MemAvailable", "ulimit -v" or "cgroup memory limit"
};

HostMemoryRoom host_memory_room();

// "an allocation of 11.92 GiB failed with 1.78 GiB left to this process
// (ulimit -v); lower ..." (`asked` 0: the size is not known).
std::string host_allocation_failure(std::size_t asked);

}  // namespace nslab
