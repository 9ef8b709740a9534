// The phase profile: off, markers record nothing; on, an MGE evaluation
// books its time to exactly the phases that model has.
#include "core/phase_profile.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "likelihoods/lens/mge_likelihood.hpp"
#include "likelihoods/lens/simulator.hpp"

namespace nslab {
namespace {

TEST(PhaseProfile, RecordsOnlyWhenEnabled) {
  reset_phase_profile();
  { PhaseTimer timer(Phase::kMesh); std::this_thread::sleep_for(std::chrono::milliseconds(2)); }
  EXPECT_EQ(phase_seconds()[static_cast<std::size_t>(Phase::kMesh)], 0.0);
  enable_phase_profile(true);
  double at_stop = 0.0;
  {
    PhaseTimer timer(Phase::kMesh);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    timer.stop();
    at_stop = phase_seconds()[static_cast<std::size_t>(Phase::kMesh)];
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // after stop(): not counted
  }
  enable_phase_profile(false);
  const double mesh = phase_seconds()[static_cast<std::size_t>(Phase::kMesh)];
  EXPECT_GE(mesh, 0.002);
  EXPECT_EQ(mesh, at_stop);  // the destructor of a stopped timer adds nothing
  reset_phase_profile();
}

TEST(PhaseProfile, AnMgeEvaluationBooksItsOwnPhases) {
  const MgeLikelihood<double> likelihood(make_masked_imaging(simulate_imaging(imaging_instrument("ci")), 3.5));
  const std::vector<double> theta = mge_truth_parameters();
  std::vector<double> log_l(1);
  Workspace workspace(likelihood.workspace_allocator());
  reset_phase_profile();
  enable_phase_profile(true);
  likelihood.evaluate(theta, log_l, workspace);
  enable_phase_profile(false);
  const auto seconds = phase_seconds();
  for (Phase phase : {Phase::kRayTracing, Phase::kLightProfiles, Phase::kBlurring, Phase::kCurvature,
                      Phase::kNnls, Phase::kChiSquared})
    EXPECT_GT(seconds[static_cast<std::size_t>(phase)], 0.0) << phase_name(phase);
  // No source mesh in an MGE, and no regularization, so no log-determinant.
  for (Phase phase : {Phase::kMesh, Phase::kMapping, Phase::kLogDet})
    EXPECT_EQ(seconds[static_cast<std::size_t>(phase)], 0.0) << phase_name(phase);
  reset_phase_profile();
}

}  // namespace
}  // namespace nslab
