// The pixelized sources against PyAutoLens's FitImaging on the project's own
// simulated datasets (tests/data/parity/ci_{pixelization,delaunay}.json,
// made by tools/parity/make_references.sh simulated ci with
// AnalysisImaging(use_jax=False): fnnls, no interior-point tolerance). These
// run on every clone: the dataset is rebuilt from the simulator and its
// checksum compared first. Each test fits every point with both inversion
// formulations and holds each to PyAutoLens and the two to each other.
// ci uses the ci cells' meshes (12 x 12, 150 vertices); euclid (Delaunay)
// and the real-HST twin (pixelization_parity_hst_test.cpp) the fiducial ones.
#include <gtest/gtest.h>

#include "support/parity_reference.hpp"

namespace nslab {
namespace {

void expect_parity_on_simulated(const std::string& reference_name) {
  const nlohmann::json reference = parity::reference(reference_name);
  const parity::SimulatedDataset dataset = parity::simulated_dataset(reference);
  ASSERT_TRUE(dataset.mismatch.empty()) << dataset.mismatch;
  parity::expect_same_geometry(reference, *dataset.imaging);
  parity::expect_pixelized_parity_on(reference, dataset.imaging,
                                     {InversionFormulation::kDense, InversionFormulation::kSparse});
}

TEST(PixelizationParity, RectangularDenseAndSparseMatchPyAutoLensOnSimulatedCi) {
  expect_parity_on_simulated("ci_pixelization.json");
}

TEST(PixelizationParity, DelaunayDenseAndSparseMatchPyAutoLensOnSimulatedCi) {
  expect_parity_on_simulated("ci_delaunay.json");
}

// The fiducial 1,500-vertex mesh on the simulated euclid dataset, with the
// two draws tools/peers/af_lens_bench.py times (timing_1, timing_2: Einstein
// radii of 5.4-5.5" beyond the 3.5" mask, where nearly every vertex is on the
// hull and PyAutoLens's JAX point location gives up; the reference is its
// NumPy path, docs/parity.md, "PyAutoLens's JAX path").
TEST(PixelizationParity, DelaunayDenseAndSparseMatchPyAutoLensOnSimulatedEuclid) {
  expect_parity_on_simulated("euclid_delaunay.json");
}

}  // namespace
}  // namespace nslab
