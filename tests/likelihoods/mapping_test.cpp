#include "likelihoods/synthetic/mapping.hpp"

#include <gtest/gtest.h>

namespace nslab {
namespace {

TEST(MappingLikelihood, HstShapeIsTheRealCellsShape) {
  const MappingProblem problem = MappingProblem::make(MappingShape::for_instrument("hst"));
  EXPECT_EQ(problem.image_pixels(), 15361u);
  EXPECT_EQ(problem.source_pixels(), 1500u);
}

TEST(MappingLikelihood, BytesPerReplicaIsExactlyWhatAnEvaluationTakes) {
  MappingLikelihood<double> likelihood("ci");
  const std::size_t n = likelihood.problem().image_pixels(), s = likelihood.problem().source_pixels();
  EXPECT_EQ(likelihood.bytes_per_replica(),
            aligned_array_bytes<double>(n * s) + aligned_array_bytes<double>(s * s) +
                aligned_array_bytes<double>(s) + aligned_array_bytes<double>(n));
  // The scratch arena throws if an evaluation takes more than declared; one
  // that took less would leave the model's prediction above the real peak.
  Workspace workspace;
  workspace.reserve(1, likelihood.bytes_per_replica());
  std::vector<double> log_l(1);
  EXPECT_NO_THROW(likelihood.evaluate(likelihood.problem().truth, log_l, workspace));
}

TEST(MappingLikelihood, MaximumIsAtTheTruthAndNearZero) {
  MappingLikelihood<double> likelihood("ci");
  Workspace workspace;
  std::vector<double> at_truth(1), away(1);
  likelihood.evaluate(likelihood.problem().truth, at_truth, workspace);
  EXPECT_NEAR(at_truth[0], 0.0, 1e-3);
  auto shifted = likelihood.problem().truth;
  for (std::size_t k = 0; k < shifted.size(); ++k) {
    for (double step : {-0.5, 0.5}) {
      auto point = likelihood.problem().truth;
      point[k] += step * likelihood.problem().truth_width[k];
      likelihood.evaluate(point, away, workspace);
      EXPECT_LT(away[0], at_truth[0]) << "parameter " << k;
    }
  }
}

TEST(MappingLikelihood, Fp32AgreesWithFp64) {
  MappingLikelihood<double> l64("ci");
  MappingLikelihood<float> l32("ci");
  Workspace workspace;
  std::vector<double> point = {0.41, 0.12, 0.04, -0.03}, a(1), b(1);
  l64.evaluate(point, a, workspace);
  l32.evaluate(point, b, workspace);
  EXPECT_NEAR(a[0], b[0], 1e-3 * std::max(1.0, std::abs(a[0])));
}

}  // namespace
}  // namespace nslab
