#pragma once
// Philox4x32-10 (Salmon, Moraes, Dror, Shaw, SC'11): a counter-based generator.
// Output is a pure function of (counter, key), so a draw can be addressed by
// what it is for instead of by the order work happens to be scheduled in; that
// is what makes NSS results independent of chunk_size and thread count.
#include <array>
#include <cstdint>

#include "core/host_device.hpp"

namespace nslab {

using PhiloxCounter = std::array<std::uint32_t, 4>;
using PhiloxKey = std::array<std::uint32_t, 2>;

namespace philox_detail {
inline constexpr std::uint32_t kMultiplier0 = 0xD2511F53u;
inline constexpr std::uint32_t kMultiplier1 = 0xCD9E8D57u;
inline constexpr std::uint32_t kWeyl0 = 0x9E3779B9u;  // golden ratio
inline constexpr std::uint32_t kWeyl1 = 0xBB67AE85u;  // sqrt(3) - 1

NSLAB_HOST_DEVICE inline void multiply_high_low(std::uint32_t a, std::uint32_t b,
                                                std::uint32_t& high, std::uint32_t& low) {
  const std::uint64_t product = static_cast<std::uint64_t>(a) * b;
  high = static_cast<std::uint32_t>(product >> 32);
  low = static_cast<std::uint32_t>(product);
}
}  // namespace philox_detail

NSLAB_HOST_DEVICE inline PhiloxCounter philox4x32_10(PhiloxCounter counter, PhiloxKey key) {
  using namespace philox_detail;
  for (int round = 0; round < 10; ++round) {
    std::uint32_t high0, low0, high1, low1;
    multiply_high_low(kMultiplier0, counter[0], high0, low0);
    multiply_high_low(kMultiplier1, counter[2], high1, low1);
    counter = {high1 ^ counter[1] ^ key[0], low1, high0 ^ counter[3] ^ key[1], low0};
    key[0] += kWeyl0;
    key[1] += kWeyl1;
  }
  return counter;
}

}  // namespace nslab
