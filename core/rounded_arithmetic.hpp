#pragma once
// Arithmetic that rounds every operation on its own, on the host and on a
// CUDA device alike, so one function body gives the same bits in both places
// (docs/gpu.md, "Rounding").
//
// nvcc would contract a * b + c into one fused multiply-add, which rounds
// once; so would GCC wherever the target has FMA (-march=native: GCC
// contracts by default, even in ISO C++ mode). On the device these call the
// round-to-nearest intrinsics (__dmul_rn, ...), which are never contracted;
// on the host the plain operators, which round separately where the
// compiler does not contract: the host emulations are compiled with
// -ffp-contract=off (tests/CMakeLists.txt) for that reason. The CPU
// likelihoods themselves are compiled as the preset says, so in the native
// presets (cpu-*, ci) they contract and differ from the device at the ulp
// level; the GPU presets (no -march=native, no FMA) do not.
// exp, atan, atanh, sin and cos are CUDA's on the device (within 1-2 ulp,
// not correctly rounded) and libm's on the host: the one place where a
// device value and its host emulation may differ.
#include <cfloat>
#include <cmath>

#include "core/host_device.hpp"

#if defined(__CUDACC__)
#define NSLAB_INLINE __forceinline__
#else
#define NSLAB_INLINE inline
#endif

#if defined(__CUDA_ARCH__)
#define NSLAB_RN(device_expression, host_expression) device_expression
#else
#define NSLAB_RN(device_expression, host_expression) host_expression
#endif

namespace nslab::rn {

NSLAB_HOST_DEVICE NSLAB_INLINE double mul(double a, double b) { return NSLAB_RN(__dmul_rn(a, b), a * b); }
NSLAB_HOST_DEVICE NSLAB_INLINE double add(double a, double b) { return NSLAB_RN(__dadd_rn(a, b), a + b); }
NSLAB_HOST_DEVICE NSLAB_INLINE double sub(double a, double b) { return NSLAB_RN(__dsub_rn(a, b), a - b); }
NSLAB_HOST_DEVICE NSLAB_INLINE double divide(double a, double b) { return NSLAB_RN(__ddiv_rn(a, b), a / b); }
NSLAB_HOST_DEVICE NSLAB_INLINE double square_root(double a) { return NSLAB_RN(__dsqrt_rn(a), std::sqrt(a)); }
NSLAB_HOST_DEVICE NSLAB_INLINE float mul(float a, float b) { return NSLAB_RN(__fmul_rn(a, b), a * b); }
NSLAB_HOST_DEVICE NSLAB_INLINE float add(float a, float b) { return NSLAB_RN(__fadd_rn(a, b), a + b); }
NSLAB_HOST_DEVICE NSLAB_INLINE float sub(float a, float b) { return NSLAB_RN(__fsub_rn(a, b), a - b); }

// The library functions the lens models need, by one name for both sides.
NSLAB_HOST_DEVICE NSLAB_INLINE double exponential(double a) { return NSLAB_RN(::exp(a), std::exp(a)); }
NSLAB_HOST_DEVICE NSLAB_INLINE double arc_tangent(double a) { return NSLAB_RN(::atan(a), std::atan(a)); }
NSLAB_HOST_DEVICE NSLAB_INLINE double arc_tanh(double a) { return NSLAB_RN(::atanh(a), std::atanh(a)); }
NSLAB_HOST_DEVICE NSLAB_INLINE double absolute(double a) { return NSLAB_RN(::fabs(a), std::fabs(a)); }
NSLAB_HOST_DEVICE NSLAB_INLINE double floor_of(double a) { return NSLAB_RN(::floor(a), std::floor(a)); }
NSLAB_HOST_DEVICE NSLAB_INLINE bool is_finite(double a) { return NSLAB_RN(::isfinite(a), std::isfinite(a)); }

// static_cast<float>(double) with round-to-nearest on both sides.
NSLAB_HOST_DEVICE NSLAB_INLINE float to_float(double a) {
  return NSLAB_RN(__double2float_rn(a), static_cast<float>(a));
}
template <class Real>
NSLAB_HOST_DEVICE NSLAB_INLINE Real to_real(double a);
template <>
NSLAB_HOST_DEVICE NSLAB_INLINE double to_real<double>(double a) { return a; }
template <>
NSLAB_HOST_DEVICE NSLAB_INLINE float to_real<float>(double a) { return to_float(a); }

// flushed<Real>(value) of likelihoods/lens/profiles.hpp: value as Real, or 0
// below Real's smallest normal number.
template <class Real>
NSLAB_HOST_DEVICE NSLAB_INLINE Real flush(double value);
template <>
NSLAB_HOST_DEVICE NSLAB_INLINE double flush<double>(double value) { return value < DBL_MIN ? 0.0 : value; }
template <>
NSLAB_HOST_DEVICE NSLAB_INLINE float flush<float>(double value) {
  return value < static_cast<double>(FLT_MIN) ? 0.0f : to_float(value);
}

}  // namespace nslab::rn
