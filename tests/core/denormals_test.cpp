// FlushDenormalsScope: subnormal float results are 0 inside, and the
// caller's mode comes back outside.
#include "core/denormals.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace nslab {
namespace {

// Through volatile, so the compiler cannot fold the product at compile time.
float product(float a, float b) {
  volatile float x = a, y = b;
  return x * y;
}

TEST(Denormals, ScopeFlushesSubnormalResultsAndRestoresTheMode) {
#if defined(__SSE__)
  const float tiny = std::numeric_limits<float>::min();  // smallest normal
  EXPECT_GT(product(tiny, 0.25f), 0.0f);                  // a subnormal, kept
  {
    const FlushDenormalsScope flush;
    EXPECT_EQ(product(tiny, 0.25f), 0.0f);
    EXPECT_EQ(product(tiny, 2.0f), 2.0f * tiny);          // normal results untouched
  }
  EXPECT_GT(product(tiny, 0.25f), 0.0f);
  {
    const FlushDenormalsScope off(false);
    EXPECT_GT(product(tiny, 0.25f), 0.0f);
  }
#else
  GTEST_SKIP() << "no SSE control register on this architecture";
#endif
}

}  // namespace
}  // namespace nslab
