#include "core/philox.hpp"

#include <gtest/gtest.h>

#include "core/random_stream.hpp"

namespace nslab {
namespace {

// Random123's kat_vectors for philox4x32_10 (docs/design.md, "The sampler contract").
TEST(Philox, MatchesRandom123KnownAnswers) {
  EXPECT_EQ(philox4x32_10({0, 0, 0, 0}, {0, 0}),
            (PhiloxCounter{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}));
  EXPECT_EQ(philox4x32_10({0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, {0xffffffff, 0xffffffff}),
            (PhiloxCounter{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}));
  EXPECT_EQ(philox4x32_10({0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0}),
            (PhiloxCounter{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}));
}

TEST(RandomStream, DrawsDependOnlyOnTheirName) {
  const RandomStream a(7, RandomPurpose::kDirection, 3, 4, 5);
  const RandomStream b(7, RandomPurpose::kDirection, 3, 4, 5);
  const RandomStream other_slot(7, RandomPurpose::kDirection, 3, 5, 5);
  const RandomStream other_purpose(7, RandomPurpose::kShrinkage, 3, 4, 5);
  EXPECT_EQ(a.bits(11), b.bits(11));
  EXPECT_NE(a.bits(11), other_slot.bits(11));
  EXPECT_NE(a.bits(11), other_purpose.bits(11));
  EXPECT_NE(a.bits(10), a.bits(11));
}

TEST(RandomStream, UniformNormalAndBetaHaveTheirMoments) {
  const RandomStream stream(42, RandomPurpose::kTest);
  const int n = 200000;
  double u_sum = 0, u_sq = 0, z_sum = 0, z_sq = 0, log_t_sum = 0;
  double u_min = 1, u_max = 0;
  for (int j = 0; j < n; ++j) {
    const double u = stream.uniform(j);
    u_min = std::min(u_min, u);
    u_max = std::max(u_max, u);
    u_sum += u;
    u_sq += u * u;
    const double z = stream.normal(j);
    z_sum += z;
    z_sq += z * z;
    log_t_sum += stream.log_beta_n1(j, 50.0);
  }
  EXPECT_GT(u_min, 0.0);
  EXPECT_LT(u_max, 1.0);
  EXPECT_NEAR(u_sum / n, 0.5, 0.003);
  EXPECT_NEAR(u_sq / n - 0.25, 1.0 / 12.0, 0.003);
  EXPECT_NEAR(z_sum / n, 0.0, 0.01);
  EXPECT_NEAR(z_sq / n, 1.0, 0.01);
  EXPECT_NEAR(log_t_sum / n, -1.0 / 50.0, 0.0003);  // E[log t] = -1/n for Beta(n, 1)
}

TEST(RandomStream, BelowIsUniformOverItsRange) {
  const RandomStream stream(1, RandomPurpose::kStartPoint);
  std::vector<int> counts(7, 0);
  for (int j = 0; j < 70000; ++j) ++counts[stream.below(j, 7)];
  for (int c : counts) EXPECT_NEAR(c, 10000, 400);
}

}  // namespace
}  // namespace nslab
