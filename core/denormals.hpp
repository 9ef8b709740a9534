#pragma once
// Flush-to-zero for the lens likelihoods on x86. Products of the PSF's far
// taps with the faint tails of narrow Gaussians land below the smallest
// normal, and every subnormal operand or result costs the CPU a microcode
// assist: the fp32 MGE blurring ran twice as slow as the fp64 one, and the
// fp64 MGE at the prior median 1.9x slower than with the flush. Flushing
// changes values by under 2.3e-308 in double (1.2e-38 in float); XLA on CPU
// flushes both precisions (a jitted 1e-300 * 1e-15 is 0 in JAX 0.11), CUDA
// flushes float only with -ftz. The mode is per thread; the scope restores
// the caller's on exit.
#if defined(__SSE__)
#include <xmmintrin.h>
#endif

namespace nslab {

class FlushDenormalsScope {
 public:
  explicit FlushDenormalsScope(bool enabled = true) {
#if defined(__SSE__)
    saved_ = _mm_getcsr();
    // FTZ (bit 15): results; DAZ (bit 6): operands.
    if (enabled) _mm_setcsr(saved_ | 0x8040u);
#else
    (void)enabled;
#endif
  }
  ~FlushDenormalsScope() {
#if defined(__SSE__)
    _mm_setcsr(saved_);
#endif
  }
  FlushDenormalsScope(const FlushDenormalsScope&) = delete;
  FlushDenormalsScope& operator=(const FlushDenormalsScope&) = delete;

 private:
  unsigned saved_ = 0;
};

}  // namespace nslab
