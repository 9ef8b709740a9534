// Force-included into every C++ file when the compiler is GCC 12 (see
// CMakeLists.txt). GCC 12 reports -Wmaybe-uninitialized inside its own
// AVX-512 intrinsic headers (the `__Y` of _mm512_undefined_*, GCC bug
// 105593, fixed in GCC 13) wherever Eigen's AVX-512 kernels are inlined:
// pages of notes on AVX-512 machines, none about this project's code. The
// pragma covers only the lines of <immintrin.h>, so the same warning in the
// project's own code is still reported.
#pragma once
#if defined(__x86_64__) || defined(__i386__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop
#endif
