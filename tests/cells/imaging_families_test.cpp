// The imaging families as cells build them: imaging/mge from the cached
// simulation or a folder, imaging/pixelization and imaging/delaunay with
// their defaults.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "cells/cell_catalog.hpp"
#include "cells/likelihood_registry.hpp"
#include "core/error.hpp"
#include "likelihoods/lens/instrument.hpp"
#include "likelihoods/lens/mge_likelihood.hpp"
#include "likelihoods/lens/pixelization/pixelized_likelihood.hpp"
#include "likelihoods/lens/simulator.hpp"

namespace nslab {
namespace {

// Each test simulates into a cache of its own.
class ImagingFamilies : public ::testing::Test {
 protected:
  void SetUp() override {
    cache_ = std::filesystem::temp_directory_path() /
             ("nslab-imaging-families-cache-" + std::to_string(::getpid()));
    ::setenv("NSLAB_CACHE_DIR", cache_.c_str(), 1);
  }
  void TearDown() override {
    ::unsetenv("NSLAB_CACHE_DIR");
    std::filesystem::remove_all(cache_);
  }
  std::filesystem::path cache_;
};

TEST_F(ImagingFamilies, MgeUsesTheCachedSimulationOrAFolder) {
  const CellId cell = CellId::parse("nss/imaging/mge/ci/fp64");
  const Settings settings = resolve_settings(cell, {});
  EXPECT_EQ(settings.text("dataset"), "simulated");
  EXPECT_EQ(settings.text("inversion"), "dense");
  const auto likelihood = make_likelihood(cell, settings);
  const ImagingInstrument& ci = imaging_instrument("ci");
  EXPECT_TRUE(std::filesystem::exists(simulated_dataset_folder(ci, kDefaultSimulatorSeed) / "data.fits"));
  std::vector<double> log_l(1), expected(1);
  Workspace workspace;
  likelihood->evaluate(mge_truth_parameters(), log_l, workspace);
  // The cache round-trips exactly: the same value as the simulation in memory.
  MgeLikelihood<double>(make_masked_imaging(simulate_imaging(ci), ci.mask_radius))
      .evaluate(mge_truth_parameters(), expected, workspace);
  EXPECT_NEAR(log_l[0], expected[0], 1e-9 * std::abs(expected[0]));
  EXPECT_EQ(likelihood->sizes().at("masked_pixels"), 609.0);
  EXPECT_TRUE(likelihood->evaluation_parts(mge_truth_parameters()).count("chi_squared"));

  const std::string folder = simulated_dataset_folder(ci, kDefaultSimulatorSeed).string();
  EXPECT_NO_THROW(make_likelihood(cell, resolve_settings(cell, {{"dataset", folder}})));
  EXPECT_THROW(make_likelihood(cell, resolve_settings(cell, {{"dataset", "/nonexistent"}})), UsageError);
  const CellId hst = CellId::parse("nss/imaging/mge/hst/fp64");
  EXPECT_THROW(make_likelihood(hst, resolve_settings(hst, {{"dataset", folder}})),
               UsageError);  // a 0.25"/px dataset is not an hst one
  EXPECT_THROW(make_likelihood(cell, resolve_settings(cell, {{"inversion", "qr"}})), UsageError);
}

TEST_F(ImagingFamilies, PixelizedCellsBuildTheirModelsWithTheirDefaults) {
  for (const char* model : {"pixelization", "delaunay"}) {
    const CellId cell = CellId::parse(std::string("nss/imaging/") + model + "/ci/fp64");
    const Settings settings = resolve_settings(cell, {});
    EXPECT_EQ(settings.text("inversion"), "sparse");
    EXPECT_EQ(settings.text("mesh"), "auto");
    const auto& family = likelihood_family(std::string("imaging/") + model);
    EXPECT_TRUE(family.pixelized);
    const auto likelihood = make_likelihood(cell, settings);
    EXPECT_EQ(likelihood->dim(), 12u);
    EXPECT_EQ(likelihood->parameter_names().back(), "regularization_coefficient");
    const auto sizes = likelihood->sizes();
    EXPECT_EQ(sizes.at("masked_pixels"), 609.0);
    EXPECT_EQ(sizes.at("source_pixels"), std::string(model) == "pixelization" ? 144.0 : 150.0);
    EXPECT_EQ(sizes.at("zeroed_source_pixels"), std::string(model) == "pixelization" ? 44.0 : 0.0);
    const auto parts = likelihood->evaluation_parts(pixelized_truth_parameters(1.0));
    for (const char* key : {"chi_squared", "regularization_term", "log_det_curvature_reg",
                            "log_det_regularization", "noise_normalization", "log_evidence"})
      EXPECT_TRUE(std::isfinite(parts.at(key))) << model << " " << key;
    // inversion=dense is the same likelihood with M and B formed.
    const auto dense = make_likelihood(cell, resolve_settings(cell, {{"inversion", "dense"}}));
    EXPECT_NEAR(dense->evaluation_parts(pixelized_truth_parameters(1.0)).at("log_evidence"),
                parts.at("log_evidence"), 1e-9 * std::abs(parts.at("log_evidence")));
    EXPECT_GT(dense->bytes_per_replica(), likelihood->bytes_per_replica());
    EXPECT_THROW(make_likelihood(cell, resolve_settings(cell, {{"inversion", "qr"}})), UsageError);
    EXPECT_THROW(make_likelihood(cell, resolve_settings(cell, {{"mesh", "2"}})), UsageError);
  }
  const CellId cell = CellId::parse("nss/imaging/pixelization/ci/fp64");
  const auto small = make_likelihood(cell, resolve_settings(cell, {{"mesh", "7"}}));
  EXPECT_EQ(small->sizes().at("source_pixels"), 49.0);
}

}  // namespace
}  // namespace nslab
