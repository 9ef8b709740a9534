#include "likelihoods/lens/vector_math.hpp"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstddef>

#if defined(NSLAB_HAVE_LIBMVEC) && (defined(__AVX512F__) || defined(__AVX2__))
#include <immintrin.h>
#define NSLAB_VECTOR_MATH 1
#endif

namespace nslab {

#ifdef NSLAB_VECTOR_MATH
// glibc's variants, by their x86_64 vector function ABI names.
extern "C" {
#ifdef __AVX512F__
__m512d _ZGVeN8v_atan(__m512d);
__m512d _ZGVeN8v_atanh(__m512d);
__m512d _ZGVeN8v_exp(__m512d);
#else
__m256d _ZGVdN4v_atan(__m256d);
__m256d _ZGVdN4v_atanh(__m256d);
__m256d _ZGVdN4v_exp(__m256d);
#endif
}

namespace {

#ifdef __AVX512F__
using Register = __m512d;
constexpr int kLanes = 8;
Register load(const double* p) { return _mm512_loadu_pd(p); }
void store(double* p, Register v) { _mm512_storeu_pd(p, v); }
Register vector_atan(Register v) { return _ZGVeN8v_atan(v); }
Register vector_atanh(Register v) { return _ZGVeN8v_atanh(v); }
Register vector_exp(Register v) { return _ZGVeN8v_exp(v); }
#else
using Register = __m256d;
constexpr int kLanes = 4;
Register load(const double* p) { return _mm256_loadu_pd(p); }
void store(double* p, Register v) { _mm256_storeu_pd(p, v); }
Register vector_atan(Register v) { return _ZGVdN4v_atan(v); }
Register vector_atanh(Register v) { return _ZGVdN4v_atanh(v); }
Register vector_exp(Register v) { return _ZGVdN4v_exp(v); }
#endif

// f over the array a register at a time; the rest through a zero-padded
// register (0 is in every function's domain).
template <Register (*F)(Register)>
void apply(std::span<double> values) {
  double* p = values.data();
  const std::size_t n = values.size();
  std::size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) store(p + i, F(load(p + i)));
  if (i == n) return;
  double lanes[kLanes] = {};
  std::copy(p + i, p + n, lanes);
  store(lanes, F(load(lanes)));
  std::copy(lanes, lanes + (n - i), p + i);
}

}  // namespace

void atan_in_place(std::span<double> values) { apply<vector_atan>(values); }
void atanh_in_place(std::span<double> values) { apply<vector_atanh>(values); }
void exp_in_place(std::span<double> values) { apply<vector_exp>(values); }
bool vector_math_uses_libmvec() { return true; }
int vector_math_lanes() { return kLanes; }

#else

void atan_in_place(std::span<double> values) {
  for (double& v : values) v = std::atan(v);
}
void atanh_in_place(std::span<double> values) {
  for (double& v : values) v = std::atanh(v);
}
void exp_in_place(std::span<double> values) {
  auto array = Eigen::Map<Eigen::ArrayXd>(values.data(), static_cast<Eigen::Index>(values.size()));
  array = array.exp();
}
bool vector_math_uses_libmvec() { return false; }
int vector_math_lanes() { return 1; }

#endif

}  // namespace nslab
