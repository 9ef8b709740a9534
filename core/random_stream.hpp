#pragma once
// Keyed random streams on top of Philox4x32-10.
//
// A stream is named by (seed, purpose, a, b, c): for NSS, purpose says which
// draw it is (direction, slice height, ...) and a, b, c are the outer step,
// the slot and the inner step. Draw j of a stream is a fixed function of that
// name and j, never of how many other draws happened before it elsewhere.
#include <cmath>
#include <cstdint>

#include "core/host_device.hpp"
#include "core/philox.hpp"

namespace nslab {

// What a draw is for; part of the Philox key so streams never overlap.
enum class RandomPurpose : std::uint32_t {
  kInitialPoints = 1,
  kStartPoint = 2,
  kDirection = 3,
  kSliceHeight = 4,
  kSteppingOut = 5,
  kShrinkage = 6,
  kEvidenceShrinkage = 7,
  kNautilus = 8,
  kSimulator = 9,
  kTest = 10,
  kNautilusBound = 11,
  kNautilusNetwork = 12,
  kProbePoints = 13,  // prior draws of `nslab probe --measure` and `nslab bench`
};

class RandomStream {
 public:
  NSLAB_HOST_DEVICE RandomStream(std::uint64_t seed, RandomPurpose purpose, std::uint32_t a = 0,
                                 std::uint32_t b = 0, std::uint32_t c = 0)
      : key_{static_cast<std::uint32_t>(seed),
             static_cast<std::uint32_t>(seed >> 32) ^
                 (static_cast<std::uint32_t>(purpose) * 0x9E3779B9u)},
        a_(a), b_(b), c_(c) {}

  // Two 64-bit words per Philox block; draw j uses block j/2.
  NSLAB_HOST_DEVICE std::uint64_t bits(std::uint32_t j) const {
    const PhiloxCounter out = philox4x32_10({j / 2, c_, b_, a_}, key_);
    const std::uint32_t offset = (j % 2) * 2;
    return (static_cast<std::uint64_t>(out[offset]) << 32) | out[offset + 1];
  }

  // Uniform in the open interval (0, 1): 53 random bits plus a half step, so
  // log(u) and log(1 - u) are always finite.
  NSLAB_HOST_DEVICE double uniform(std::uint32_t j) const {
    return (static_cast<double>(bits(j) >> 11) + 0.5) * 0x1.0p-53;
  }

  // Standard normal by Box-Muller over draws 2j and 2j+1 (cosine branch only,
  // so normal(j) is a function of j alone).
  NSLAB_HOST_DEVICE double normal(std::uint32_t j) const {
    const double u1 = uniform(2 * j);
    const double u2 = uniform(2 * j + 1);
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586476925 * u2);
  }

  // log t for t ~ Beta(n, 1): t = (1 - u)^(1/n).
  NSLAB_HOST_DEVICE double log_beta_n1(std::uint32_t j, double n) const {
    return std::log1p(-uniform(j)) / n;
  }

  // Uniform integer in [0, n) (n > 0), by multiply-shift on 64 random bits;
  // the bias is below n / 2^64.
  NSLAB_HOST_DEVICE std::uint64_t below(std::uint32_t j, std::uint64_t n) const {
    const unsigned __int128 product = static_cast<unsigned __int128>(bits(j)) * n;
    return static_cast<std::uint64_t>(product >> 64);
  }

 private:
  PhiloxKey key_;
  std::uint32_t a_, b_, c_;
};

}  // namespace nslab
