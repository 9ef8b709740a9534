// imaging/pixelization and imaging/delaunay as cells build them.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "cells/cell_catalog.hpp"
#include "cells/likelihood_registry.hpp"
#include "core/error.hpp"
#include "likelihoods/lens/pixelization/pixelized_likelihood.hpp"

namespace nslab {
namespace {

class PixelizationFamily : public ::testing::Test {
 protected:
  void SetUp() override {
    cache_ = std::filesystem::temp_directory_path() /
             ("nslab-pixelization-cache-" + std::to_string(::getpid()));
    ::setenv("NSLAB_CACHE_DIR", cache_.c_str(), 1);
  }
  void TearDown() override {
    ::unsetenv("NSLAB_CACHE_DIR");
    std::filesystem::remove_all(cache_);
  }
  std::filesystem::path cache_;
};

TEST_F(PixelizationFamily, CellsBuildTheModelsOfLensingMdWithTheirDefaults) {
  for (const char* model : {"pixelization", "delaunay"}) {
    const CellId cell = CellId::parse(std::string("nss/imaging/") + model + "/ci/fp64");
    const Settings settings = resolve_settings(cell, {});
    EXPECT_EQ(settings.text("inversion"), "sparse");
    EXPECT_EQ(settings.text("mesh"), "auto");
    const auto& family = likelihood_family(std::string("imaging/") + model);
    EXPECT_TRUE(family.pixelized);
    const auto likelihood = family.make(cell, settings);
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
    const auto dense = family.make(cell, resolve_settings(cell, {{"inversion", "dense"}}));
    EXPECT_NEAR(dense->evaluation_parts(pixelized_truth_parameters(1.0)).at("log_evidence"),
                parts.at("log_evidence"), 1e-9 * std::abs(parts.at("log_evidence")));
    EXPECT_GT(dense->bytes_per_replica(), likelihood->bytes_per_replica());
    EXPECT_THROW(family.make(cell, resolve_settings(cell, {{"inversion", "qr"}})), UsageError);
    EXPECT_THROW(family.make(cell, resolve_settings(cell, {{"mesh", "2"}})), UsageError);
  }
  const CellId cell = CellId::parse("nss/imaging/pixelization/ci/fp64");
  const auto small = likelihood_family("imaging/pixelization").make(cell, resolve_settings(cell, {{"mesh", "7"}}));
  EXPECT_EQ(small->sizes().at("source_pixels"), 49.0);
}

}  // namespace
}  // namespace nslab
