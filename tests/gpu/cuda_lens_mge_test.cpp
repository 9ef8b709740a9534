// imaging/mge on the device (likelihoods/lens/mge_likelihood.cu) against the
// CPU likelihood, point by point; batch independence; the memory model
// (tracked peak = k x bytes_per_replica + fixed); and the per-evaluation time
// in batches, printed as "[ measured ]" lines for scripts/gpu-check-lens.
//
// Datasets: the cells' own simulated ones (cached_simulated_dataset, under
// $NSLAB_CACHE_DIR when set), made on first use -- under a second on the CPU.
#include <chrono>
#include <cmath>
#include <iostream>
#include <map>

#include "gpu_test_support.hpp"
#include "init_run_peak.hpp"
#include "harness/cupti_peak_memory.hpp"
#include "likelihoods/lens/mge_likelihood.hpp"
#include "likelihoods/lens/mge_likelihood_cuda.hpp"
#include "samplers/nss/nss_sampler.hpp"
#include "tests/support/device_emulation/mge_emulation.hpp"
#include "tests/support/lens_cases.hpp"

namespace nslab {
namespace {

using lens_cases::simulated_imaging;

std::unique_ptr<Likelihood> make_cpu_mge(const std::string& instrument, Precision precision) {
  if (precision == Precision::kFp32) return std::make_unique<MgeLikelihood<float>>(simulated_imaging(instrument));
  return std::make_unique<MgeLikelihood<double>>(simulated_imaging(instrument));
}

std::unique_ptr<Likelihood> make_cuda_mge(const std::string& instrument, Precision precision) {
  return make_cuda_mge_likelihood(simulated_imaging(instrument), precision,
                                  "test imaging/mge/" + instrument + "/" + to_string(precision));
}

// Half prior draws (poor fits: chi^2 dominates log L), half near the truth
// (the solve and the noise normalisation both matter there).
std::vector<double> mixed_points(const Likelihood& likelihood, std::size_t count, std::uint64_t seed) {
  std::vector<double> points = lens_cases::prior_draws(likelihood, count, seed);
  lens_cases::jitter_around(points, kMgeParameterCount, count / 2, mge_truth_parameters(), 0.02, seed + 1);
  return points;
}

struct MgeCase {
  const char* instrument;
  Precision precision;
  std::size_t points;
  // Bound on |cuda - cpu| / max(1, |cpu|). fp64: issue 8's 1e-10; the two
  // differ by exp/atan/atanh ulps, summation orders (GEMM, D, chi^2) and the
  // separable PSF's factors (~1e-16 for the Gaussian PSF). fp32: both sides
  // store, blur and multiply the columns in float, F's float sums in
  // different orders; the bound is set from the CPU's own fp32-vs-fp64
  // spread on the same kind of points (see the case list).
  double relative_tolerance;
};

std::string case_name(const ::testing::TestParamInfo<MgeCase>& info) {
  return std::string(info.param.instrument) + "_" + to_string(info.param.precision);
}

class CudaMge : public ::testing::TestWithParam<MgeCase> {};

TEST_P(CudaMge, LogLikelihoodsAgreeWithTheCpuPointByPoint) {
  NSLAB_SKIP_WITHOUT_CUDA_DEVICE();
  const MgeCase c = GetParam();
  const auto cpu = make_cpu_mge(c.instrument, c.precision);
  const auto cuda = make_cuda_mge(c.instrument, c.precision);
  ASSERT_EQ(cuda->dim(), cpu->dim());
  EXPECT_EQ(cuda->parameter_names(), cpu->parameter_names());
  EXPECT_EQ(cuda->sizes(), cpu->sizes());

  const std::vector<double> points = mixed_points(*cpu, c.points, 20261126);
  const std::vector<double> expected = gpu_test::evaluate_in_batches(*cpu, points);
  const std::vector<double> actual = gpu_test::evaluate_in_batches(*cuda, points);
  double worst = 0.0;
  std::size_t worst_point = 0;
  for (std::size_t i = 0; i < c.points; ++i) {
    ASSERT_TRUE(std::isfinite(expected[i])) << "point " << i;
    const double relative = std::abs(actual[i] - expected[i]) / std::max(1.0, std::abs(expected[i]));
    if (relative > worst) worst = relative, worst_point = i;
    EXPECT_LE(relative, c.relative_tolerance)
        << "point " << i << ": cpu " << expected[i] << " cuda " << actual[i];
  }
  // The device against its own algorithm on the host (emulate_cuda_mge_on_host):
  // what is left is exp/atan/atanh's ulps, so a disagreement with the CPU
  // that this does not share is a device-side fault, not an algorithmic one.
  const std::vector<double> emulated = emulate_cuda_mge_on_host(*simulated_imaging(c.instrument), c.precision, points);
  double worst_emulated = 0.0;
  for (std::size_t i = 0; i < c.points; ++i)
    worst_emulated = std::max(worst_emulated, std::abs(actual[i] - emulated[i]) / std::max(1.0, std::abs(emulated[i])));
  EXPECT_LE(worst_emulated, c.relative_tolerance);
  // The parts at the truth, from the device path, against the CPU's.
  const auto cpu_parts = cpu->evaluation_parts(mge_truth_parameters());
  const auto cuda_parts = cuda->evaluation_parts(mge_truth_parameters());
  for (const char* part : {"chi_squared", "noise_normalization", "log_likelihood"})
    EXPECT_LE(std::abs(cuda_parts.at(part) - cpu_parts.at(part)),
              c.relative_tolerance * std::max(1.0, std::abs(cpu_parts.at(part))))
        << part << ": cpu " << cpu_parts.at(part) << " cuda " << cuda_parts.at(part);
  std::cout.precision(17);
  std::cout << "[ measured ] imaging/mge/" << case_name({c, 0}) << ": worst relative difference "
            << worst << " (point " << worst_point << ": cpu " << expected[worst_point] << ", cuda "
            << actual[worst_point] << ") over " << c.points << " points (bound "
            << c.relative_tolerance << "); vs host emulation " << worst_emulated
            << "; truth chi^2 cpu " << cpu_parts.at("chi_squared")
            << " cuda " << cuda_parts.at("chi_squared") << "\n";
}

// A point's value does not depend on its batch: all at once, one at a time
// and in batches of 7 give the same bits.
TEST_P(CudaMge, DeviceValuesDoNotDependOnTheBatch) {
  NSLAB_SKIP_WITHOUT_CUDA_DEVICE();
  const MgeCase c = GetParam();
  const auto cuda = make_cuda_mge(c.instrument, c.precision);
  const std::vector<double> points = mixed_points(*cuda, std::min<std::size_t>(c.points, 24), 7);
  const std::vector<double> together = gpu_test::evaluate_in_batches(*cuda, points);
  EXPECT_EQ(gpu_test::evaluate_in_batches(*cuda, points, 1), together);
  EXPECT_EQ(gpu_test::evaluate_in_batches(*cuda, points, 7), together);
}

// fp32 bound 2e-5: the device's fp32 differs from the CPU's by F's float sums
// taken in another order (fixed slices vs Eigen's GEMM). Measured on the CPU
// (tests/likelihoods/lens/mge_device_emulation_test.cpp): the host emulation of the
// device path vs the CPU's fp32, 2.4e-6 (ci, 64 points) and 3.1e-7 (hst, 4);
// the CPU's own fp32 vs fp64, 2.3e-6 (ci) and 1.2e-7 (hst). 2e-5 leaves ~8x
// room; a wrong kernel is orders of magnitude outside it.
INSTANTIATE_TEST_SUITE_P(Instruments, CudaMge,
                         ::testing::Values(MgeCase{"ci", Precision::kFp64, 64, 1e-10},
                                           MgeCase{"hst", Precision::kFp64, 16, 1e-10},
                                           MgeCase{"ci", Precision::kFp32, 64, 2e-5},
                                           MgeCase{"hst", Precision::kFp32, 16, 2e-5}),
                         case_name);

// Tracked peak of an init-only NSS run with batches k wide = k x
// bytes_per_replica + the fixed overhead, exactly; CUPTI's peak printed beside.
TEST(CudaMgeMemory, HstPeakIsLinearInChunkSize) {
  NSLAB_SKIP_WITHOUT_CUDA_DEVICE();
  simulated_imaging("hst");  // the dataset lives on the host; build it outside the window
  std::size_t first_fixed = 0, first_extra = 0;
  for (std::size_t k : {1, 8, 32}) {
    const gpu_test::InitRunPeak peak =
        gpu_test::init_run_peak([] { return make_cuda_mge("hst", Precision::kFp64); }, k, 64);
    const std::size_t fixed = peak.fixed, tracked = peak.tracked;
    const DevicePeak& cupti = peak.cupti;
    std::cout << "[ measured ] imaging/mge/hst/fp64 k=" << k << ": bytes_per_replica " << peak.bytes_per_replica
              << ", fixed " << fixed << ", tracked peak " << tracked << ", CUPTI peak " << cupti.bytes << " ("
              << cupti.source << (cupti.note.empty() ? "" : ": " + cupti.note) << ")\n";
    EXPECT_EQ(tracked, k * peak.bytes_per_replica + fixed) << "k = " << k;
    if (k == 1) first_fixed = fixed;
    EXPECT_EQ(fixed, first_fixed) << "the fixed overhead must not grow with k";
    if (cupti.source == "cupti" && cupti.bytes >= tracked) {
      const std::size_t extra = cupti.bytes - tracked;
      if (k == 1) first_extra = extra;
      EXPECT_LE(extra > first_extra ? extra - first_extra : first_extra - extra, 2u << 20)
          << "k = " << k << ": CUPTI's untracked bytes change with k";
    }
  }
}

// ms per evaluation in batches (the likelihood alone, as nslab bench times
// the CPU's): issue 8's goal is <= 0.1 ms on an H100 for hst.
TEST(CudaMgeTiming, HstBatches) {
  NSLAB_SKIP_WITHOUT_CUDA_DEVICE();
  for (Precision precision : {Precision::kFp64, Precision::kFp32}) {
    const auto cuda = make_cuda_mge("hst", precision);
    Workspace workspace(cuda->workspace_allocator());
    for (std::size_t k : {1, 16, 64, 256}) {
      const int repeats = k >= 64 ? 5 : 20;
      const double ms = gpu_test::ms_per_eval(*cuda, mixed_points(*cuda, k, 11), workspace, repeats);
      std::cout << "[ measured ] imaging/mge/hst/" << to_string(precision) << " cuda k=" << k << ": " << ms
                << " ms/eval (" << repeats << " batches)\n";
    }
    // The CPU beside it, one batch of 64 on this machine's thread pool.
    const auto cpu = make_cpu_mge("hst", precision);
    Workspace host_workspace;
    const double ms = gpu_test::ms_per_eval(*cpu, mixed_points(*cpu, 64, 11), host_workspace, 1);
    std::cout << "[ measured ] imaging/mge/hst/" << to_string(precision) << " cpu k=64: " << ms << " ms/eval\n";
  }
}

TEST(CudaMgeWithoutDevice, ConstructionSaysThereIsNoDevice) {
  std::string reason;
  if (cuda_device_count(&reason) > 0) GTEST_SKIP() << "a CUDA device is present";
  try {
    make_cuda_mge("ci", Precision::kFp64);
    FAIL() << "expected RunError";
  } catch (const RunError& error) {
    EXPECT_NE(std::string(error.what()).find("needs a CUDA device"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace nslab
