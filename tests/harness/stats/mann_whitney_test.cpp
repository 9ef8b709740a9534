// The U test against scipy.stats.mannwhitneyu 1.17.1 (two-sided, default
// method and continuity), values printed by /work/venvs/peers/bin/python.
#include <gtest/gtest.h>

#include <vector>

#include "harness/stats/mann_whitney.hpp"

namespace nslab {
namespace {

struct Case {
  const char* name;
  std::vector<double> x, y;
  double u, p;
  const char* method;
};

TEST(MannWhitney, MatchesScipy) {
  const std::vector<Case> cases = {
      {"exact, small", {1.1, 2.3, 0.7, 4.0}, {3.2, 5.1, 6.0, 2.9, 7.7}, 2.0, 0.06349206349206349, "exact"},
      {"exact, separated", {1, 2, 3, 4, 5}, {6, 7, 8, 9, 10}, 0.0, 0.007936507936507936, "exact"},
      {"normal, small with ties", {1, 2, 2, 3}, {2, 3, 4, 5}, 2.5, 0.1366582477381475, "normal"},
      {"normal, 12 and 15",
       {0.91, 1.02, 0.97, 1.10, 0.88, 1.05, 0.99, 1.01, 0.95, 1.08, 0.93, 1.00},
       {1.04, 1.12, 0.98, 1.15, 1.07, 1.01, 1.20, 1.09, 0.96, 1.11, 1.06, 1.13, 1.03, 1.18, 1.02},
       34.0, 0.006749656441443116, "normal"},
      {"normal, many ties", {3, 3, 4, 5, 5, 5, 6, 7, 7, 8}, {5, 6, 6, 7, 8, 8, 9, 9, 10, 10, 11}, 15.5,
       0.005625214779700691, "normal"},
  };
  for (const Case& c : cases) {
    const MannWhitneyResult r = mann_whitney_u(c.x, c.y);
    EXPECT_DOUBLE_EQ(r.u_first, c.u) << c.name;
    EXPECT_NEAR(r.p_two_sided, c.p, 1e-12 * c.p + 1e-15) << c.name;
    EXPECT_EQ(r.method, c.method) << c.name;
  }
}

TEST(MannWhitney, ExactDistributionBeyondTheAutoRule) {
  // scipy method='exact' for 10 and 12 untied values, U = 25.
  const std::vector<double> x = {0.91, 1.02, 0.97, 1.10, 0.88, 1.05, 0.99, 1.01, 0.95, 1.08};
  const std::vector<double> y = {1.04, 1.12, 0.98, 1.15, 1.07, 1.014, 1.20, 1.09, 0.96, 1.11, 1.06, 1.13};
  EXPECT_DOUBLE_EQ(mann_whitney_u(x, y).u_first, 25.0);
  EXPECT_NEAR(mann_whitney_exact_p(25.0, 10, 12), 0.02058003915589055, 1e-13);
  // ... and the default there is the normal approximation (scipy: 0.022914171535340932).
  EXPECT_NEAR(mann_whitney_u(x, y).p_two_sided, 0.022914171535340932, 1e-13);
}

TEST(MannWhitney, SymmetricAndBounded) {
  const std::vector<double> x = {1.1, 2.3, 0.7, 4.0}, y = {3.2, 5.1, 6.0, 2.9, 7.7};
  EXPECT_DOUBLE_EQ(mann_whitney_u(x, y).p_two_sided, mann_whitney_u(y, x).p_two_sided);
  EXPECT_DOUBLE_EQ(mann_whitney_u(y, x).u_first, 4.0 * 5.0 - 2.0);
  // Identical samples: U at its mean, p = 1 (scipy clips 1.0000000002 to 1 too).
  EXPECT_DOUBLE_EQ(mann_whitney_u(x, x).p_two_sided, 1.0);
  const std::vector<double> same = {2, 2, 2};
  EXPECT_DOUBLE_EQ(mann_whitney_u(same, same).p_two_sided, 1.0);
}

TEST(MannWhitney, SmallestPossiblePTellsWhenNoVerdictCanBeSignificant) {
  const std::vector<double> two = {1, 2}, other_two = {3, 4};
  EXPECT_NEAR(mann_whitney_u(two, other_two).smallest_possible_p, 2.0 / 6.0, 1e-15);  // 2 / C(4, 2)
  const std::vector<double> five = {1, 2, 3, 4, 5}, other_five = {1.5, 2.5, 3.5, 4.5, 5.5};
  EXPECT_NEAR(mann_whitney_u(five, other_five).smallest_possible_p, 2.0 / 252.0, 1e-15);
}

TEST(MannWhitney, HodgesLehmannRatioIgnoresOneOutlier) {
  const std::vector<double> base = {1.0, 1.0, 1.0, 1.0, 1.0};
  const std::vector<double> slower = {1.2, 1.2, 1.2, 1.2, 9.0};
  EXPECT_DOUBLE_EQ(hodges_lehmann_ratio(base, slower), 1.2);
  EXPECT_DOUBLE_EQ(hodges_lehmann_ratio(slower, base), 1.0 / 1.2);
}

}  // namespace
}  // namespace nslab
