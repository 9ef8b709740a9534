#include "likelihoods/lens/mge_likelihood.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <unistd.h>

#include "cells/cell_catalog.hpp"
#include "cells/likelihood_registry.hpp"
#include "core/error.hpp"
#include "likelihoods/lens/simulator.hpp"

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

TEST(LensMge, CellFamilyUsesTheCachedSimulationOrAFolder) {
  const auto cache = std::filesystem::temp_directory_path() /
                     ("nslab-lens-cache-" + std::to_string(::getpid()));
  ::setenv("NSLAB_CACHE_DIR", cache.c_str(), 1);
  const CellId cell = CellId::parse("nss/imaging/mge/ci/fp64");
  const Settings settings = resolve_settings(cell, {});
  EXPECT_EQ(settings.text("dataset"), "simulated");
  EXPECT_EQ(settings.text("inversion"), "dense");
  const auto likelihood = likelihood_family("imaging/mge").make(cell, settings);
  EXPECT_TRUE(std::filesystem::exists(
      simulated_dataset_folder(imaging_instrument("ci"), kDefaultSimulatorSeed) / "data.fits"));
  std::vector<double> log_l(1);
  Workspace workspace;
  likelihood->evaluate(mge_truth_parameters(), log_l, workspace);
  const double expected = fit_at(MgeLikelihood<double>(ci_imaging()), mge_truth_parameters()).figure_of_merit;
  EXPECT_NEAR(log_l[0], expected, 1e-9 * std::abs(expected));  // the cache round-trips exactly
  EXPECT_EQ(likelihood->sizes().at("masked_pixels"), 609.0);
  EXPECT_TRUE(likelihood->evaluation_parts(mge_truth_parameters()).count("chi_squared"));

  const Settings from_folder = resolve_settings(
      cell, {{"dataset", simulated_dataset_folder(imaging_instrument("ci"), 1).string()}});
  EXPECT_NO_THROW(likelihood_family("imaging/mge").make(cell, from_folder));
  EXPECT_THROW(likelihood_family("imaging/mge").make(cell, resolve_settings(cell, {{"dataset", "/nonexistent"}})),
               UsageError);
  EXPECT_THROW(likelihood_family("imaging/mge")
                   .make(CellId::parse("nss/imaging/mge/hst/fp64"),
                         resolve_settings(CellId::parse("nss/imaging/mge/hst/fp64"),
                                          {{"dataset", simulated_dataset_folder(imaging_instrument("ci"), 1).string()}})),
               UsageError);  // a 0.25"/px dataset is not an hst one
  EXPECT_THROW(likelihood_family("imaging/mge").make(cell, resolve_settings(cell, {{"inversion", "qr"}})),
               UsageError);
  ::unsetenv("NSLAB_CACHE_DIR");
  std::filesystem::remove_all(cache);
}

}  // namespace
}  // namespace nslab
