#include "likelihoods/lens/pixelization/pixelized_likelihood.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "likelihoods/lens/pixelization/adapt_image.hpp"
#include "likelihoods/lens/simulator.hpp"
#include "support/lens_cases.hpp"
#include "support/pixelization_test_data.hpp"

namespace nslab {
namespace {

using pixelization_test::small_imaging;

std::shared_ptr<const PixelizedSource> rectangular(const MaskedImaging& im) {
  return std::make_shared<RectangularSource>(10, truth_source_adapt_image(im));
}
std::shared_ptr<const PixelizedSource> delaunay(const MaskedImaging& im) {
  return std::make_shared<DelaunaySource>(hilbert_image_mesh(im.mask, truth_source_adapt_image(im), 120));
}

std::vector<std::vector<double>> test_points() {
  std::vector<std::vector<double>> points;
  points.push_back(pixelized_truth_parameters(1.0));
  points.push_back(pixelized_truth_parameters(30.0));
  auto off = pixelized_truth_parameters(0.05);
  off[4] = 0.05, off[6] = 0.1, off[8] = 1.3, off[9] = -0.04;
  points.push_back(off);
  return points;
}

template <class Real>
PixelizedFit fit_with_exact_arena(const PixelizedLikelihood<Real>& likelihood,
                                  const std::vector<double>& theta, std::size_t* used = nullptr) {
  std::vector<std::byte> memory(likelihood.bytes_per_replica());
  ScratchArena scratch(memory.data(), memory.size());
  PixelizedFit fit = likelihood.fit(theta, scratch);
  if (used != nullptr) *used = scratch.used_bytes();
  return fit;
}

void expect_relative(double a, double b, double tolerance, const char* what) {
  EXPECT_LE(std::abs(a - b), tolerance * std::max(1.0, std::abs(b))) << what << ": " << a << " vs " << b;
}

void expect_dense_equals_sparse(std::shared_ptr<const PixelizedSource> source) {
  const auto imaging = small_imaging();
  const PixelizedLikelihood<double> dense(imaging, source, InversionFormulation::kDense);
  const PixelizedLikelihood<double> sparse(imaging, source, InversionFormulation::kSparse);
  for (const auto& theta : test_points()) {
    const FitParts d = fit_with_exact_arena(dense, theta).parts;
    const FitParts s = fit_with_exact_arena(sparse, theta).parts;
    ASSERT_TRUE(std::isfinite(d.log_evidence));
    expect_relative(s.log_evidence, d.log_evidence, 1e-9, "log evidence");
    expect_relative(s.chi_squared, d.chi_squared, 1e-9, "chi squared");
    expect_relative(s.regularization_term, d.regularization_term, 1e-8, "s^T H s");
    expect_relative(s.log_det_curvature_reg, d.log_det_curvature_reg, 1e-9, "ln det(F+H)");
    EXPECT_EQ(s.log_det_regularization, d.log_det_regularization);
    // The parts add up to the evidence.
    EXPECT_NEAR(d.log_evidence,
                -0.5 * (d.chi_squared + d.regularization_term + d.log_det_curvature_reg -
                        d.log_det_regularization + d.noise_normalization),
                1e-9 * std::abs(d.log_evidence));
  }
}

TEST(PixelizationLikelihood, DenseEqualsSparseRectangular) {
  expect_dense_equals_sparse(rectangular(*small_imaging()));
}

TEST(PixelizationLikelihood, DenseEqualsSparseDelaunay) {
  expect_dense_equals_sparse(delaunay(*small_imaging()));
}

TEST(PixelizationLikelihood, BytesPerReplicaIsExactlyWhatAFitTakes) {
  const auto imaging = small_imaging();
  for (auto source : {rectangular(*imaging), delaunay(*imaging)})
    for (auto formulation : {InversionFormulation::kDense, InversionFormulation::kSparse}) {
      const PixelizedLikelihood<double> likelihood(imaging, source, formulation);
      std::size_t used = 0;
      const PixelizedFit fit = fit_with_exact_arena(likelihood, pixelized_truth_parameters(1.0), &used);
      EXPECT_TRUE(std::isfinite(fit.parts.figure_of_merit));
      EXPECT_EQ(used, likelihood.bytes_per_replica())
          << source->description() << " " << to_string(formulation);
      const PixelizedLikelihood<float> single(imaging, source, formulation);
      fit_with_exact_arena(single, pixelized_truth_parameters(1.0), &used);
      EXPECT_EQ(used, single.bytes_per_replica());
    }
}

TEST(PixelizationLikelihood, DenseBytesGrowWithImageTimesSourcePixelsSparseDoNot) {
  const auto imaging = small_imaging();
  const auto source = rectangular(*imaging);
  const PixelizedLikelihood<double> dense(imaging, source, InversionFormulation::kDense);
  const PixelizedLikelihood<double> sparse(imaging, source, InversionFormulation::kSparse);
  const std::size_t n = imaging->masked_pixels(), s = source->source_pixels();
  // Dense holds M and B (N x S each, plus the light columns); sparse neither.
  EXPECT_GE(dense.bytes_per_replica() - sparse.bytes_per_replica(), 2 * n * s * sizeof(double) - 4 * n * 20 * sizeof(double));
  EXPECT_GT(sparse.operator_bytes(), 0u);
  EXPECT_EQ(dense.operator_bytes(), 0u);
}

TEST(PixelizationLikelihood, SinglePrecisionDenseIsCloseToDouble) {
  const auto imaging = small_imaging();
  const auto source = rectangular(*imaging);
  const PixelizedLikelihood<double> d(imaging, source, InversionFormulation::kDense);
  const PixelizedLikelihood<float> f(imaging, source, InversionFormulation::kDense);
  const auto theta = pixelized_truth_parameters(1.0);
  const double a = fit_with_exact_arena(d, theta).parts.log_evidence;
  const double b = fit_with_exact_arena(f, theta).parts.log_evidence;
  EXPECT_NEAR(a, b, 1e-4 * std::abs(a));
}

TEST(PixelizationLikelihood, EvidencePrefersTheTrueEinsteinRadius) {
  // The simulator's ci dataset: data drawn from the truth lens of docs/lens-likelihoods.md.
  static const auto imaging = make_masked_imaging(simulate_imaging(imaging_instrument("ci")), 3.5);
  for (auto source : {rectangular(*imaging), delaunay(*imaging)}) {
    const PixelizedLikelihood<double> likelihood(imaging, source, InversionFormulation::kSparse);
    auto truth = pixelized_truth_parameters(1.0);
    const double at_truth = fit_with_exact_arena(likelihood, truth).parts.log_evidence;
    for (double radius : {1.3, 1.9}) {
      auto off = truth;
      off[8] = radius;
      EXPECT_LT(fit_with_exact_arena(likelihood, off).parts.log_evidence, at_truth)
          << source->description() << " at theta_E " << radius;
    }
  }
}

TEST(PixelizationLikelihood, NonFiniteLensGivesMinusInfinity) {
  const auto imaging = small_imaging();
  const PixelizedLikelihood<double> likelihood(imaging, rectangular(*imaging), InversionFormulation::kSparse);
  auto theta = pixelized_truth_parameters(1.0);
  theta[8] = std::nan("");
  Workspace workspace;
  std::vector<double> log_l(1);
  likelihood.evaluate(theta, log_l, workspace);
  EXPECT_EQ(log_l[0], -std::numeric_limits<double>::infinity());
}

TEST(PixelizationLikelihood, ParametersAndPriorFollowLensingMd) {
  const auto names = pixelized_parameter_names();
  ASSERT_EQ(names.size(), 12u);
  EXPECT_EQ(names[8], "einstein_radius");
  EXPECT_EQ(names[11], "regularization_coefficient");
  const Prior prior = pixelized_prior();
  EXPECT_EQ(prior[11].kind(), ParameterPrior::Kind::kLogUniform);
  EXPECT_EQ(prior[11].lower(), 1e-6);
  EXPECT_EQ(prior[11].upper(), 1e6);
  EXPECT_NEAR(prior[11].from_unit(0.5), 1.0, 1e-12);
}

TEST(PixelizationLikelihood, BatchValuesDoNotDependOnThreadsOrOrder) {
  const auto imaging = small_imaging();
  for (const auto& source : {rectangular(*imaging), delaunay(*imaging)}) {
    std::vector<double> points;
    for (int copy = 0; copy < 2; ++copy)  // six points: more than the two threads
      for (const auto& theta : test_points()) points.insert(points.end(), theta.begin(), theta.end());
    points[8] = 1.5;  // the first copy's true lens moved, so no two points are alike
    lens_cases::expect_batch_values_independent_of_threads(
        PixelizedLikelihood<double>(imaging, source, InversionFormulation::kSparse), points);
    lens_cases::expect_batch_values_independent_of_threads(
        PixelizedLikelihood<float>(imaging, source, InversionFormulation::kDense), points);
  }
}

}  // namespace
}  // namespace nslab
