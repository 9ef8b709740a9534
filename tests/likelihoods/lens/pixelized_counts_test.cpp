// The roofline counts of the pixelized device algorithm
// (likelihoods/lens/device/pixelized_counts.hpp) against counts made by
// hand at ci size: n = 609 masked pixels, the 21 x 21 PSF less its
// negligible border, 17 x 17 (psf_kernel.hpp; forward w-tilde window
// 17 + 16 x 33 = 545 offsets), the 12 x 12 rectangular mesh (s = 144,
// t = 164), every pixel's four slots used (typical(): 2,436 slots).
#include <gtest/gtest.h>

#include "likelihoods/lens/device/pixelized_counts.hpp"
#include "likelihoods/lens/pixelization/adapt_image.hpp"
#include "tests/support/lens_cases.hpp"

namespace nslab {
namespace {

const OperationCount& step(const PixelizedCounts& counts, const std::string& name) {
  for (const OperationCount& c : counts.steps)
    if (c.step == name) return c;
  throw std::logic_error("no step " + name);
}

PixelizedPlan ci_plan(InversionFormulation formulation) {
  const auto imaging = lens_cases::simulated_imaging("ci");
  const RectangularSource source(12, truth_source_adapt_image(*imaging));
  return PixelizedPlan(*imaging, source, formulation, false);
}

TEST(PixelizedCounts, SparseStepsMatchAHandCountAtCiSize) {
  const PixelizedPlan plan = ci_plan(InversionFormulation::kSparse);
  ASSERT_EQ(plan.n, 609);
  ASSERT_EQ(plan.sources, 144);
  ASSERT_EQ(plan.window_values(), 545);
  const MappingStatistics mapping = MappingStatistics::typical(plan);
  EXPECT_EQ(mapping.used_slots, 2436.0);
  const PixelizedCounts counts = pixelized_operation_counts(plan, mapping);
  // w-tilde: 2 x 2,436 slots x 545 offsets (scatter) + 2 x 144 rows x 2,436
  // slots (gather) = 2,655,240 + 701,568; W read once (609 x 545 doubles),
  // the slots (2,436 x 12 bytes), H written (144^2 doubles).
  EXPECT_EQ(step(counts, "wtilde").flops, 3356808.0);
  EXPECT_EQ(step(counts, "wtilde").bytes, 2655240.0 + 29232.0 + 165888.0);
  // Ray tracing: 36 + 13 per pixel, atan and atanh; 4 doubles per pixel.
  EXPECT_EQ(step(counts, "ray_tracing").flops, 29841.0);
  EXPECT_EQ(step(counts, "ray_tracing").special, 1218.0);
  EXPECT_EQ(step(counts, "ray_tracing").bytes, 19488.0);
  // H + H^T over the 144 x 145 / 2 pairs.
  EXPECT_EQ(step(counts, "symmetrize").flops, 10440.0);
  double flops = 0.0, bytes = 0.0;
  for (const OperationCount& c : counts.steps) flops += c.flops, bytes += c.bytes;
  EXPECT_EQ(counts.flops(), flops);
  EXPECT_EQ(counts.bytes(), bytes);
}

TEST(PixelizedCounts, DenseStepsMatchAHandCountAtCiSize) {
  const PixelizedPlan plan = ci_plan(InversionFormulation::kDense);
  const PixelizedCounts counts = pixelized_operation_counts(plan, MappingStatistics::typical(plan));
  // SYRK: n t (t + 1) = 609 x 164 x 165; reads B~ (609 x 164 = 99,876 doubles), writes
  // the lower F (164 x 165 / 2) and the mirror moves t^2.
  EXPECT_EQ(step(counts, "curvature_product").flops, 16479540.0);
  EXPECT_EQ(step(counts, "curvature_product").bytes, 799008.0 + 108240.0 + 215168.0);
  // B's source columns: 2,436 pairs x 289 taps x 2.
  EXPECT_EQ(step(counts, "mapping_matrix").flops, 1408008.0);
  // Over the bus: F (164^2 doubles), D and s (164 each), the staged row (20
  // doubles), the status and chi^2 (12 bytes).
  EXPECT_EQ(counts.transfer_bytes, 215168.0 + 1312.0 + 1312.0 + 160.0 + 12.0);
  // fp32 halves B~ and F.
  const auto imaging = lens_cases::simulated_imaging("ci");
  const RectangularSource source(12, truth_source_adapt_image(*imaging));
  const PixelizedPlan single(*imaging, source, InversionFormulation::kDense, true);
  const PixelizedCounts half = pixelized_operation_counts(single, MappingStatistics::typical(single));
  EXPECT_EQ(step(half, "curvature_product").bytes, (799008.0 + 108240.0 + 215168.0) / 2);
}

TEST(PixelizedCounts, RooflineFractionsAreRatesOverPeaks) {
  PixelizedCounts counts;
  counts.steps.push_back({"one", 2e9, 0.0, 3e9});
  // 2 GFLOP and 3 GB in 1 ms: 2 TFLOP/s and 3 TB/s.
  const RooflineFractions f = roofline_fractions(counts, 1.0, 4e12, 6e12);
  EXPECT_DOUBLE_EQ(f.flops_fraction, 0.5);
  EXPECT_DOUBLE_EQ(f.bandwidth_fraction, 0.5);
}

}  // namespace
}  // namespace nslab
