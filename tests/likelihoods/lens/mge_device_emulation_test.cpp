// The device algorithm of imaging/mge, run on the host
// (tests/support/device_emulation/mge_emulation.cpp), against the CPU
// likelihood point by point -- what a machine without a GPU (or without
// nvcc) can check of the device path: the per-thread code, replica layout
// and reduction trees. What it cannot (launch shapes, shared-memory tiles and
// reductions, the copies to and from the host) the GPU suite checks
// (tests/gpu/cuda_lens_mge_test.cpp).
#include <gtest/gtest.h>

#include <iostream>

#include "likelihoods/lens/mge_likelihood.hpp"
#include "tests/support/device_emulation/mge_emulation.hpp"
#include "tests/support/lens_cases.hpp"

namespace nslab {
namespace {

using lens_cases::relative_difference;
using lens_cases::simulated_imaging;

std::unique_ptr<Likelihood> make_cpu_mge(const std::string& instrument, Precision precision) {
  if (precision == Precision::kFp32) return std::make_unique<MgeLikelihood<float>>(simulated_imaging(instrument));
  return std::make_unique<MgeLikelihood<double>>(simulated_imaging(instrument));
}

// Half prior draws, half near the truth, as the GPU suite's points.
std::vector<double> mixed_points(const Likelihood& likelihood, std::size_t count, std::uint64_t seed) {
  std::vector<double> points = lens_cases::prior_draws(likelihood, count, seed);
  lens_cases::jitter_around(points, kMgeParameterCount, count / 2, mge_truth_parameters(), 0.02, seed + 1);
  return points;
}

std::vector<double> evaluate(const Likelihood& likelihood, const std::vector<double>& points) {
  std::vector<double> log_l(points.size() / likelihood.dim());
  Workspace workspace(likelihood.workspace_allocator());
  likelihood.evaluate(points, log_l, workspace);
  return log_l;
}

// fp32 bound 2e-5: the device's float F is summed in fixed slices, the CPU's
// by Eigen's product; the CPU's own fp32-vs-fp64 spread on these points is
// the scale (2.3e-6 ci, 1.2e-7 hst; printed by CpuSinglePrecisionSpread).
TEST(MgeDeviceEmulation, AgreesWithTheCpuLikelihood) {
  struct Case {
    const char* instrument;
    Precision precision;
    std::size_t points;
    double bound;
  };
  for (const Case c : {Case{"ci", Precision::kFp64, 64, 1e-10}, Case{"hst", Precision::kFp64, 4, 1e-10},
                       Case{"ci", Precision::kFp32, 64, 2e-5}, Case{"hst", Precision::kFp32, 4, 2e-5}}) {
    const auto cpu = make_cpu_mge(c.instrument, c.precision);
    const std::vector<double> points = mixed_points(*cpu, c.points, 20261126);
    const std::vector<double> expected = evaluate(*cpu, points);
    std::size_t bytes = 0;
    const std::vector<double> actual =
        emulate_cuda_mge_on_host(*simulated_imaging(c.instrument), c.precision, points, &bytes);
    double worst = 0.0;
    for (std::size_t i = 0; i < c.points; ++i) {
      ASSERT_TRUE(std::isfinite(expected[i])) << "point " << i;
      const double relative = relative_difference(actual[i], expected[i]);
      worst = std::max(worst, relative);
      EXPECT_LE(relative, c.bound) << c.instrument << " point " << i << ": cpu " << expected[i]
                                   << " emulated " << actual[i];
    }
    std::cout << "[ measured ] imaging/mge/" << c.instrument << "/" << to_string(c.precision)
              << " host emulation of the device path vs CPU: worst relative difference " << worst
              << " over " << c.points << " points; device bytes_per_replica " << bytes
              << " (CPU's " << cpu->bytes_per_replica() << ")\n";
  }
}

// The CPU's fp32-vs-fp64 spread on the same kind of points: the scale of the
// fp32 bounds here and in the GPU suite.
TEST(MgeDeviceEmulation, CpuSinglePrecisionSpread) {
  for (const char* instrument : {"ci", "hst"}) {
    const std::size_t count = std::string(instrument) == "ci" ? 64 : 16;
    const auto fp64 = make_cpu_mge(instrument, Precision::kFp64);
    const auto fp32 = make_cpu_mge(instrument, Precision::kFp32);
    const std::vector<double> points = mixed_points(*fp64, count, 20261126);
    const std::vector<double> a = evaluate(*fp64, points), b = evaluate(*fp32, points);
    double worst = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, relative_difference(b[i], a[i]));
    std::cout << "[ measured ] imaging/mge/" << instrument
              << " CPU fp32 vs fp64: worst relative difference " << worst << " over " << count
              << " points\n";
    EXPECT_LT(worst, 1e-3);
  }
}

}  // namespace
}  // namespace nslab
