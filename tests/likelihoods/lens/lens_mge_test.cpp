#include "likelihoods/lens/mge_likelihood.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "likelihoods/lens/simulator.hpp"
#include "support/lens_cases.hpp"

namespace nslab {
namespace {

std::shared_ptr<const MaskedImaging> ci_imaging() {
  static const auto imaging = make_masked_imaging(simulate_imaging(imaging_instrument("ci")), 3.5);
  return imaging;
}

template <class Real>
FitParts fit_at(const MgeLikelihood<Real>& likelihood, const std::vector<double>& theta,
                std::size_t* used = nullptr) {
  Workspace workspace;
  workspace.reserve(1, likelihood.bytes_per_replica());
  ScratchArena scratch(workspace.replica(0), workspace.stride_bytes());
  const FitParts parts = likelihood.fit(theta, scratch);
  if (used) *used = scratch.used_bytes();
  return parts;
}

std::vector<double> prior_median(const Likelihood& likelihood) {
  std::vector<double> half(likelihood.dim(), 0.5), theta(likelihood.dim());
  likelihood.prior().from_unit(half, theta);
  return theta;
}

TEST(LensMge, DeclaresExactlyTheScratchAnEvaluationTakes) {
  const MgeLikelihood<double> fp64(ci_imaging());
  const MgeLikelihood<float> fp32(ci_imaging());
  std::size_t used = 0;
  fit_at(fp64, mge_truth_parameters(), &used);
  EXPECT_EQ(used, fp64.bytes_per_replica());
  fit_at(fp32, mge_truth_parameters(), &used);
  EXPECT_EQ(used, fp32.bytes_per_replica());
  EXPECT_LT(fp32.bytes_per_replica(), fp64.bytes_per_replica());
}

TEST(LensMge, ParametersFollowLensingMd) {
  const MgeLikelihood<double> likelihood(ci_imaging());
  ASSERT_EQ(likelihood.dim(), 15u);
  EXPECT_EQ(likelihood.parameter_names()[8], "einstein_radius");
  EXPECT_EQ(likelihood.parameter_names()[14], "source_e2");
  const std::vector<double> median = prior_median(likelihood);
  EXPECT_DOUBLE_EQ(median[8], 4.0);
  for (std::size_t k : {0u, 1u, 2u, 4u, 9u, 11u, 13u}) EXPECT_NEAR(median[k], 0.0, 1e-12);
}

TEST(LensMge, TruthFitsTheSimulatedDataToTheNoise) {
  const MgeLikelihood<double> likelihood(ci_imaging());
  const FitParts truth = fit_at(likelihood, mge_truth_parameters());
  const FitParts median = fit_at(likelihood, prior_median(likelihood));
  const double pixels = static_cast<double>(ci_imaging()->masked_pixels());
  EXPECT_GT(truth.log_likelihood, median.log_likelihood + 1000.0);
  // An MGE is not exactly the truth's Sersic, but at CI resolution it fits
  // the Poisson-noise simulation to about chi^2 / N = 1.
  EXPECT_GT(truth.chi_squared / pixels, 0.7);
  EXPECT_LT(truth.chi_squared / pixels, 1.5);
  EXPECT_DOUBLE_EQ(truth.figure_of_merit, truth.log_likelihood);
  EXPECT_DOUBLE_EQ(truth.log_likelihood, -0.5 * (truth.chi_squared + truth.noise_normalization));
}

TEST(LensMge, SinglePrecisionAgreesWithDouble) {
  const MgeLikelihood<double> fp64(ci_imaging());
  const MgeLikelihood<float> fp32(ci_imaging());
  const FitParts a = fit_at(fp64, mge_truth_parameters()), b = fit_at(fp32, mge_truth_parameters());
  EXPECT_NEAR(b.log_likelihood, a.log_likelihood, 1e-3 * std::abs(a.log_likelihood) + 0.5);
}

TEST(LensMge, BatchValuesDoNotDependOnThreadsOrOrder) {
  const MgeLikelihood<double> likelihood(ci_imaging());
  std::vector<double> points;
  for (int i = 0; i < 5; ++i) {
    std::vector<double> theta = mge_truth_parameters();
    theta[8] += 0.05 * i;  // the Einstein radius
    points.insert(points.end(), theta.begin(), theta.end());
  }
  lens_cases::expect_batch_values_independent_of_threads(likelihood, points);
  lens_cases::expect_batch_values_independent_of_threads(MgeLikelihood<float>(ci_imaging()), points);
}

}  // namespace
}  // namespace nslab
