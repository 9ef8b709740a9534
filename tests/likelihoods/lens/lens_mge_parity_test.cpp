// nslab's imaging/mge against PyAutoLens's FitImaging on the project's own
// simulated datasets (tests/data/parity/{ci,euclid}_mge.json, made by
// tools/parity/make_references.sh simulated INSTRUMENT): these run on every
// clone, the dataset rebuilt from the simulator and its checksum compared
// first. The real-HST twin is lens_mge_parity_hst_test.cpp.
#include <gtest/gtest.h>

#include "likelihoods/lens/mge_likelihood.hpp"
#include "support/parity_reference.hpp"

namespace nslab {
namespace {

void expect_mge_parity_on(const std::string& reference_name) {
  const nlohmann::json reference = parity::reference(reference_name);
  const parity::SimulatedDataset dataset = parity::simulated_dataset(reference);
  ASSERT_TRUE(dataset.mismatch.empty()) << dataset.mismatch;
  parity::expect_same_geometry(reference, *dataset.imaging);
  MgeLikelihood<double> likelihood(dataset.imaging);
  Workspace workspace;
  workspace.reserve(1, likelihood.bytes_per_replica());
  const auto points = parity::fitted_points(reference);
  ASSERT_GE(points.size(), 5u);  // prior median, truth, three prior draws
  for (const auto& point : points) {
    ScratchArena scratch(workspace.replica(0), workspace.stride_bytes());
    parity::expect_mge_parity(likelihood.fit(point.at("parameters").get<std::vector<double>>(), scratch),
                              point);
  }
}

TEST(LensMgeParity, MatchesPyAutoLensOnSimulatedCi) { expect_mge_parity_on("ci_mge.json"); }

TEST(LensMgeParity, MatchesPyAutoLensOnSimulatedEuclid) { expect_mge_parity_on("euclid_mge.json"); }

}  // namespace
}  // namespace nslab
