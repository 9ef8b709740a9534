// The real-HST extra of the PyAutoLens parity (docs/parity.md): imaging/mge
// against tests/data/parity/hst_mge.json on shared/'s HST dataset, which is
// never copied into the repository. Without it the test reports itself
// Skipped (ctest label parity-hst); the suite's name says what it needs.
#include <gtest/gtest.h>

#include "likelihoods/lens/mge_likelihood.hpp"
#include "support/parity_reference.hpp"

namespace nslab {
namespace {

TEST(HstParityNeedsSharedDataset, Mge) {
  NSLAB_SKIP_WITHOUT_SHARED_HST_DATASET();
  const nlohmann::json reference = parity::reference("hst_mge.json");
  const auto imaging = make_masked_imaging(
      read_imaging_dataset(lens_test::hst_dataset_folder(), 0.05), 3.5);
  parity::expect_same_geometry(reference, *imaging);
  MgeLikelihood<double> likelihood(imaging);
  Workspace workspace;
  workspace.reserve(1, likelihood.bytes_per_replica());
  for (const auto& point : parity::fitted_points(reference)) {
    ScratchArena scratch(workspace.replica(0), workspace.stride_bytes());
    parity::expect_mge_parity(likelihood.fit(point.at("parameters").get<std::vector<double>>(), scratch),
                              point);
  }
}

}  // namespace
}  // namespace nslab
