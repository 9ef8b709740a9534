#pragma once
// One vector register of Real, for the few loops whose speed depends on how
// many independent sums are in flight (the PSF taps, the MGE's F and D).
// GCC's and Clang's vector extension: element-wise + - * on whole registers,
// compiled to the widest instructions the build targets (-march=native on
// the cpu presets) and to pairs of narrower ones elsewhere.

#include <cstring>

namespace nslab {

#ifdef __AVX512F__
inline constexpr int kRegisterBytes = 64;
#else
inline constexpr int kRegisterBytes = 32;  // AVX2, or two SSE registers
#endif

template <class Real>
inline constexpr int kRegisterLanes = kRegisterBytes / static_cast<int>(sizeof(Real));

template <class Real>
using VectorRegister __attribute__((vector_size(kRegisterBytes))) = Real;

template <class Real>
inline VectorRegister<Real> load_register(const Real* p) {
  VectorRegister<Real> v;
  std::memcpy(&v, p, sizeof v);  // unaligned load
  return v;
}

// The lanes' sum, added in pairs of halves: (l0 + l4) + ... for 8 lanes, a
// fixed order whatever the caller.
template <class Real>
inline Real lane_sum(VectorRegister<Real> v) {
  Real lanes[kRegisterLanes<Real>];
  std::memcpy(lanes, &v, sizeof v);
  for (int width = kRegisterLanes<Real> / 2; width > 0; width /= 2)
    for (int l = 0; l < width; ++l) lanes[l] += lanes[l + width];
  return lanes[0];
}

}  // namespace nslab
