#include "samplers/nss/evidence.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace nslab {
namespace {

TEST(NssEvidence, LiveCountsReplayBirthsAndDeaths) {
  // Three initial points; the lowest (logL 1) dies and is replaced by one
  // born at 1 with logL 5; then all remaining die as the final live set.
  const std::vector<double> log_l = {1, 2, 3, 5};
  const std::vector<double> birth = {-INFINITY, -INFINITY, -INFINITY, 1};
  const DeathOrder deaths = live_points_at_deaths(log_l, birth);
  EXPECT_EQ(deaths.order, (std::vector<std::size_t>{0, 1, 2, 3}));
  EXPECT_EQ(deaths.live_count, (std::vector<double>{3, 3, 2, 1}));
}

TEST(NssEvidence, BatchDeathsAtTheThresholdComeBeforeBirthsThere) {
  // n = 4, two deleted at logL 1 and 2 (threshold 2); replacements born at 2.
  const std::vector<double> log_l = {1, 2, 3, 4, 6, 7};
  const std::vector<double> birth = {-INFINITY, -INFINITY, -INFINITY, -INFINITY, 2, 2};
  const DeathOrder deaths = live_points_at_deaths(log_l, birth);
  EXPECT_EQ(deaths.live_count, (std::vector<double>{4, 3, 4, 3, 2, 1}));
}

TEST(NssEvidence, RunningIntegratorMatchesTheSumOfVolumeSlices) {
  RunningEvidence evidence;
  const std::vector<double> deaths = {-3.0, -2.0, -1.0};
  evidence.add_deaths(deaths, 10);
  double expected = 0.0, log_x = 0.0;
  for (int i = 0; i < 3; ++i) {
    const double n = 10 - i;
    expected += std::exp(log_x) * (1 - std::exp(-1 / n)) * std::exp(deaths[i]);
    log_x -= 1 / n;
  }
  EXPECT_NEAR(std::exp(evidence.log_z), expected, 1e-14);
  EXPECT_NEAR(evidence.log_x, log_x, 1e-14);
}

TEST(NssEvidence, ConstantLikelihoodGivesThatConstant) {
  // Points of a constant likelihood: Z must be exp(level). The trapezoid
  // misses half of the first slice (1 - X_0 ~ 1/450), hence the tolerance.
  ParticleSet points;
  points.dim = 1;
  const int n_live = 50, deaths = 400;
  for (int i = 0; i < deaths + n_live; ++i) {
    const double position = 0.0;
    points.push_back({&position, 1}, 0.7, -INFINITY);
  }
  const FinalEvidence result = final_evidence(points, 1, 100);
  EXPECT_NEAR(result.log_evidence, 0.7, 0.005);
  EXPECT_LT(result.log_evidence_error, 0.005);
  double total = 0;
  for (double w : result.weights) total += w;
  EXPECT_NEAR(total, 1.0, 1e-12);
}

}  // namespace
}  // namespace nslab
