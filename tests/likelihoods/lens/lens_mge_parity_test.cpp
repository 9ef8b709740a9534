// nslab's imaging/mge against PyAutoLens's FitImaging on the real HST dataset
// (tests/data/parity/hst_mge.json, made by tools/parity/make_references.sh).
#include <gtest/gtest.h>

#include <cmath>

#include "likelihoods/lens/instrument.hpp"
#include "likelihoods/lens/mge_likelihood.hpp"
#include "likelihoods/lens/lens_test_data.hpp"

namespace nslab {
namespace {

double relative(double a, double b) { return std::abs(a - b) / std::max(std::abs(b), 1e-300); }

TEST(LensMgeParity, MatchesPyAutoLensOnTheHstDataset) {
  if (!lens_test::hst_dataset_present())
    GTEST_SKIP() << "the HST dataset is not at " << lens_test::hst_dataset_folder()
                 << " (shared/ is absent); set NSLAB_SHARED_DIR to run this parity test";
  const nlohmann::json reference = lens_test::parity_reference("hst_mge.json");
  const auto imaging = make_masked_imaging(
      read_imaging_dataset(lens_test::hst_dataset_folder(), 0.05), 3.5);
  EXPECT_EQ(imaging->masked_pixels(), reference["dataset"]["masked_pixels"].get<std::size_t>());
  EXPECT_EQ(imaging->over_sampled_points(),
            reference["dataset"]["over_sampled_pixels"].get<std::size_t>());
  EXPECT_EQ(imaging->blurring_pixels(), reference["dataset"]["blurring_pixels"].get<std::size_t>());
  MgeLikelihood<double> likelihood(imaging);
  Workspace workspace;
  workspace.reserve(1, likelihood.bytes_per_replica());
  for (const auto& point : reference["points"]) {
    if (point.contains("error")) continue;
    const std::vector<double> theta = point["parameters"].get<std::vector<double>>();
    ScratchArena scratch(workspace.replica(0), workspace.stride_bytes());
    const FitParts parts = likelihood.fit(theta, scratch);
    const std::string label = point["label"];
    // The relative bar is 1e-8 on every part (see the parity report in
    // tools/parity/README.md for the measured differences).
    EXPECT_LT(relative(parts.chi_squared, point["chi_squared"]), 1e-8) << label;
    EXPECT_LT(relative(parts.noise_normalization, point["noise_normalization"]), 1e-12) << label;
    EXPECT_LT(relative(parts.log_likelihood, point["log_likelihood"]), 1e-8) << label;
    EXPECT_LT(relative(parts.figure_of_merit, point["figure_of_merit"]), 1e-8) << label;
  }
}

}  // namespace
}  // namespace nslab
