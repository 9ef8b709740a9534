// FlushDenormalsScope: subnormal float and double results are 0 inside, and
// the caller's mode comes back outside.
#include "core/denormals.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace nslab {
namespace {

// Through volatile, so the compiler cannot fold the product at compile time.
template <class Real>
Real product(Real a, Real b) {
  volatile Real x = a, y = b;
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

TEST(Denormals, ScopeFlushesDoubleToo) {
#if defined(__SSE__)
  const double tiny = std::numeric_limits<double>::min();
  EXPECT_GT(product(tiny, 0.25), 0.0);
  {
    const FlushDenormalsScope flush;
    EXPECT_EQ(product(tiny, 0.25), 0.0);
    EXPECT_EQ(product(tiny, 2.0), 2.0 * tiny);
  }
  EXPECT_GT(product(tiny, 0.25), 0.0);
#else
  GTEST_SKIP() << "no SSE control register on this architecture";
#endif
}

}  // namespace
}  // namespace nslab
