#pragma once
// atan, atanh and exp over arrays, for the MGE ray trace and its Gaussians:
// a vector register at a time through glibc's vector math library (libmvec)
// where the build has it (its AVX-512 variants, eight lanes, on an AVX-512
// build; else the AVX2 ones, four), else libm's scalar atan and atanh and
// Eigen's vectorised exp. With libmvec the last partial register goes
// through the vector function too (zero-padded), so a value never depends
// on where it sits in the array (Eigen's exp takes an array's unaligned
// ends one scalar at a time). libmvec promises 4 ulp; measured against libm on 450,560
// arguments (AVX-512 variants): atan and atanh in (-0.95, 0.95) at most
// 4.4e-16 and 3.3e-16 relative, exp in (-700, 0) 4.4e-16 (Eigen's exp, used
// before, 2.2e-16). Time for 22,528 (one thread): atanh 28 us against the
// AVX2 variant's 85, atan 24 against 28, exp 17 against Eigen's 26.
#include <span>

namespace nslab {

void atan_in_place(std::span<double> values);
void atanh_in_place(std::span<double> values);
void exp_in_place(std::span<double> values);

// True when the vector path is compiled in (libmvec and AVX2 or AVX-512).
bool vector_math_uses_libmvec();
// Lanes of the libmvec variant compiled in (8 AVX-512, 4 AVX2), 1 without it.
int vector_math_lanes();

}  // namespace nslab
