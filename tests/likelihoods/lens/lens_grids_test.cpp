#include "likelihoods/lens/grids.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "likelihoods/lens/instrument.hpp"

namespace nslab {
namespace {

struct Counts {
  const char* instrument;
  int grid;
  std::size_t masked, over_sampled;
};

// The instrument table of docs/lens-likelihoods.md (PyAutoArray's counts for these masks).
TEST(LensGrids, InstrumentMaskedAndOverSampledCountsMatchPyAutoArray) {
  const Counts table[] = {{"euclid", 71, 3841, 4468},
                          {"hst", 141, 15361, 17980},
                          {"jwst", 235, 42737, 50312},
                          {"ao", 701, 384753, 452472}};
  for (const Counts& row : table) {
    const ImagingInstrument& instrument = imaging_instrument(row.instrument);
    ASSERT_EQ(instrument.grid_size(), row.grid) << row.instrument;
    const CircularMask mask =
        make_circular_mask(instrument.grid_size(), instrument.pixel_scale, instrument.mask_radius);
    EXPECT_EQ(mask.pixels.size(), row.masked) << row.instrument;
    const SubPixelGrid grid = make_sub_pixel_grid(mask.pixels, instrument.pixel_scale,
                                                  OverSamplingRule::light_profile());
    EXPECT_EQ(grid.points(), row.over_sampled) << row.instrument;
  }
}

TEST(LensGrids, CiInstrumentIsSmall) {
  const ImagingInstrument& ci = imaging_instrument("ci");
  const CircularMask mask = make_circular_mask(ci.grid_size(), ci.pixel_scale, ci.mask_radius);
  EXPECT_EQ(ci.grid_size(), 29);
  EXPECT_EQ(mask.pixels.size(), 609u);
}

TEST(LensGrids, HstBlurringRegionMatchesPyAutoArray) {
  // 5,960 blurring pixels: PyAutoArray's blurring grid for the HST mask and a
  // 21 x 21 PSF (on its canvas padded from 141 to 159).
  const CircularMask mask = make_circular_mask(141, 0.05, 3.5);
  const auto blurring = make_blurring_pixels(mask, 21, 21);
  EXPECT_EQ(blurring.size(), 5960u);
  int min_row = 0;
  for (const auto& pixel : blurring) min_row = std::min(min_row, pixel.row);
  EXPECT_EQ(min_row, -9);  // the mask reaches row 1, the kernel 10 rows further
}

TEST(LensGrids, SubPixelsAreEvenlySpacedInsideTheirPixel) {
  const std::vector<MaskedPixel> pixels = {{0, 0, 0.0, 0.0}, {0, 1, 0.5, 1.0}};
  const OverSamplingRule rule{{4, 2}, {0.3}};
  const SubPixelGrid grid = make_sub_pixel_grid(pixels, 0.1, rule);
  ASSERT_EQ(grid.points(), 16u + 4u);
  EXPECT_DOUBLE_EQ(grid.y[0], 0.0375);   // top-left sub-pixel of the first pixel
  EXPECT_DOUBLE_EQ(grid.x[0], -0.0375);
  EXPECT_DOUBLE_EQ(grid.x[1], -0.0125);  // row-major: x moves first
  EXPECT_DOUBLE_EQ(grid.y[4], 0.0125);
  EXPECT_DOUBLE_EQ(grid.y[16], 0.525);
  EXPECT_DOUBLE_EQ(grid.x[19], 1.025);
  EXPECT_DOUBLE_EQ(grid.weight[0], 1.0 / 16.0);
  double mean_y = 0.0;
  for (std::uint32_t k = grid.begin[0]; k < grid.begin[1]; ++k) mean_y += grid.y[k] / 16.0;
  EXPECT_NEAR(mean_y, 0.0, 1e-15);
}

TEST(LensGrids, RadialBinsIncludeTheirUpperEdge) {
  const OverSamplingRule rule = OverSamplingRule::light_profile();
  EXPECT_EQ(rule.sub_size_at(0.0, 0.3), 4);
  EXPECT_EQ(rule.sub_size_at(0.0, 0.3000001), 2);
  EXPECT_EQ(rule.sub_size_at(0.6, 0.0), 2);
  EXPECT_EQ(rule.sub_size_at(0.6, 0.01), 1);
}

}  // namespace
}  // namespace nslab
