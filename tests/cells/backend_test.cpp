// The backend is resolved in one place (check_backend, called by
// resolve_settings), with one message per refusal.
#include <gtest/gtest.h>

#include <string>

#include "cells/cell_catalog.hpp"
#include "cells/likelihood_registry.hpp"
#include "core/backend.hpp"
#include "core/error.hpp"
#include "likelihoods/analytic/gaussian_cuda.hpp"

namespace nslab {
namespace {

// The UsageError's message, or "" when `call` throws none.
template <class Call>
std::string usage_error_of(Call call) {
  try {
    call();
  } catch (const UsageError& error) {
    return error.what();
  }
  return {};
}

std::string refusal(const std::string& cell, const std::string& backend) {
  return usage_error_of([&] { resolve_settings(CellId::parse(cell), {{"backend", backend}}); });
}

TEST(Backend, AnUnknownBackendIsRefusedNamingBoth) {
  EXPECT_EQ(refusal("nss/analytic/gaussian/d2/fp64", "gpu"),
            "backend 'gpu' is unknown (use backend=cpu or backend=cuda)");
  EXPECT_EQ(refusal("nautilus/imaging/delaunay/ci/fp64", "CPU"),
            "backend 'CPU' is unknown (use backend=cpu or backend=cuda)");
  EXPECT_EQ(refusal("nss/analytic/gaussian/d2/fp64", "cpu"), "");
}

TEST(Backend, AFamilyWithoutADeviceVersionRefusesCudaBeforeAnyWork) {
  for (const std::string cell : {"nautilus/plugin/example/-/fp64"}) {
    const std::string family = CellId::parse(cell).family();
    EXPECT_EQ(refusal(cell, "cuda"), family + " has no backend=cuda version yet (use backend=cpu)") << cell;
  }
}

TEST(Backend, ABuildWithoutCudaRefusesItWithTheOneMessage) {
  if (kBuiltWithCuda) GTEST_SKIP() << "this build has CUDA: backend=cuda is accepted here";
  const std::string message =
      "backend=cuda: this nslab build has no CUDA (configure a CUDA preset, e.g. cmake --preset "
      "h100-fp64, or use backend=cpu)";
  for (const std::string cell : {"nss/analytic/gaussian/d2/fp64", "nss/synthetic/mapping/ci/fp64",
                                 "nautilus/imaging/mge/ci/fp64", "nss/imaging/delaunay/hst/fp64",
                                 "nss/imaging/pixelization/ci/fp32"})
    EXPECT_EQ(refusal(cell, "cuda"), message) << cell;
  // The device factories exist in every build and say the same.
  EXPECT_EQ(usage_error_of([] { make_cuda_gaussian_likelihood(2, Precision::kFp64, "test"); }), message);
}

TEST(Backend, ABuildWithCudaAcceptsItForFamiliesWithADeviceVersion) {
  if (!kBuiltWithCuda) GTEST_SKIP() << "this build has no CUDA";
  for (const std::string cell : {"nss/analytic/gaussian/d2/fp64", "nss/analytic/mixture/d5/fp32",
                                 "nss/synthetic/mapping/ci/fp64", "nautilus/imaging/mge/hst/fp64",
                                 "nss/imaging/delaunay/hst/fp64", "nautilus/imaging/pixelization/ci/fp32"})
    EXPECT_EQ(refusal(cell, "cuda"), "") << cell;
}

}  // namespace
}  // namespace nslab
