// The real-HST extra of the PyAutoLens parity (docs/parity.md): the pixelized
// models against tests/data/parity/hst_{pixelization,delaunay}.json
// (AnalysisImaging(use_jax=False)) on shared/'s HST dataset, on the sparse
// formulation (the cells' default; dense is held to PyAutoLens and to sparse
// on the simulated datasets, and doubles these tests' ~2-5 minutes). Without
// the dataset each test reports itself Skipped (ctest label parity-hst); the
// suite's name says what it needs.
#include <gtest/gtest.h>

#include "support/parity_reference.hpp"

namespace nslab {
namespace {

void expect_parity_on_hst(const std::string& reference_name) {
  const auto reference = parity::reference(reference_name);
  const auto imaging =
      make_masked_imaging(read_imaging_dataset(lens_test::hst_dataset_folder(), 0.05), 3.5);
  parity::expect_same_geometry(reference, *imaging);
  parity::expect_pixelized_parity_on(reference, imaging, {InversionFormulation::kSparse});
}

TEST(HstParityNeedsSharedDataset, RectangularSparse) {
  NSLAB_SKIP_WITHOUT_SHARED_HST_DATASET();
  expect_parity_on_hst("hst_pixelization.json");
}

TEST(HstParityNeedsSharedDataset, DelaunaySparse) {
  NSLAB_SKIP_WITHOUT_SHARED_HST_DATASET();
  expect_parity_on_hst("hst_delaunay.json");
}

}  // namespace
}  // namespace nslab
