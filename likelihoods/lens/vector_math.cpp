#include "likelihoods/lens/vector_math.hpp"

#include <cmath>
#include <cstddef>

#if defined(NSLAB_HAVE_LIBMVEC) && defined(__AVX2__)
#include <immintrin.h>
#define NSLAB_VECTOR_MATH 1
// glibc's AVX2 variants (x86_64 vector function ABI names).
extern "C" __m256d _ZGVdN4v_atan(__m256d);
extern "C" __m256d _ZGVdN4v_atanh(__m256d);
#endif

namespace nslab {

void atan_in_place(std::span<double> values) {
  std::size_t i = 0;
#ifdef NSLAB_VECTOR_MATH
  for (; i + 4 <= values.size(); i += 4)
    _mm256_storeu_pd(values.data() + i, _ZGVdN4v_atan(_mm256_loadu_pd(values.data() + i)));
#endif
  for (; i < values.size(); ++i) values[i] = std::atan(values[i]);
}

void atanh_in_place(std::span<double> values) {
  std::size_t i = 0;
#ifdef NSLAB_VECTOR_MATH
  for (; i + 4 <= values.size(); i += 4)
    _mm256_storeu_pd(values.data() + i, _ZGVdN4v_atanh(_mm256_loadu_pd(values.data() + i)));
#endif
  for (; i < values.size(); ++i) values[i] = std::atanh(values[i]);
}

bool vector_math_uses_libmvec() {
#ifdef NSLAB_VECTOR_MATH
  return true;
#else
  return false;
#endif
}

}  // namespace nslab
