#include "core/host_memory.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <limits>

namespace nslab {
namespace {

// The first number in a file, or nothing ("max", missing file).
bool read_number(const char* path, std::size_t& value) {
  std::ifstream in(path);
  return static_cast<bool>(in >> value);
}

std::size_t meminfo_available_bytes() {
  std::ifstream meminfo("/proc/meminfo");
  for (std::string line; std::getline(meminfo, line);)
    if (line.rfind("MemAvailable:", 0) == 0) return std::stoull(line.substr(13)) * 1024;  // kB
  return std::numeric_limits<std::size_t>::max();
}

std::size_t room_under(std::size_t limit, std::size_t used) { return limit > used ? limit - used : 0; }

}  // namespace

HostMemoryRoom host_memory_room() {
  HostMemoryRoom room{meminfo_available_bytes(), "MemAvailable"};
  auto consider = [&](std::size_t bytes, const char* bound) {
    if (bytes < room.bytes) room = {bytes, bound};
  };
  rlimit address_space{};
  std::size_t mapped_pages = 0;
  if (getrlimit(RLIMIT_AS, &address_space) == 0 && address_space.rlim_cur != RLIM_INFINITY &&
      read_number("/proc/self/statm", mapped_pages))
    consider(room_under(address_space.rlim_cur, mapped_pages * static_cast<std::size_t>(sysconf(_SC_PAGESIZE))),
             "ulimit -v");
  std::size_t limit = 0, used = 0;
  if (read_number("/sys/fs/cgroup/memory.max", limit) && read_number("/sys/fs/cgroup/memory.current", used))
    consider(room_under(limit, used), "cgroup memory limit");
  else if (read_number("/sys/fs/cgroup/memory/memory.limit_in_bytes", limit) &&
           read_number("/sys/fs/cgroup/memory/memory.usage_in_bytes", used))
    consider(room_under(limit, used), "cgroup memory limit");
  return room;
}

std::string host_allocation_failure(std::size_t asked) {
  auto gib = [](std::size_t bytes) {
    char text[32];
    std::snprintf(text, sizeof(text), "%.2f GiB", static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0));
    return std::string(text);
  };
  const HostMemoryRoom room = host_memory_room();
  return std::string(asked ? "an allocation of " + gib(asked) : "an allocation") + " failed with " +
         gib(room.bytes) + " left to this process (" + room.bound + "); lower n_live, n_batch or chunk_size";
}

}  // namespace nslab
