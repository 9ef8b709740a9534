// imaging/pixelization and imaging/delaunay on the device
// (likelihoods/lens/pixelization/pixelized_likelihood.cu), issue 15:
//  - per point against the CPU likelihood and against the host emulation of
//    the device algorithm, every model x formulation x precision (hst);
//  - the value does not depend on the batch (bits), and NSS runs are
//    bit-identical across chunk_size on nss/imaging/delaunay/hst/fp64;
//  - PyAutoLens's values on the real HST dataset, from the device;
//  - the memory model: tracked peak = k x bytes_per_replica + fixed exactly,
//    CUPTI's peak linear in k, at k = 1, 4, 16, 50; the dense / sparse
//    per-replica ratio; too large a k refused with the k that fits;
//  - ms per evaluation by batch size, per phase, and the achieved fractions
//    of the card's measured fp64 rate and bandwidth.
// Results are "[ measured ]" lines for scripts/gpu-check-pixelized. Every
// test skips without a device.
#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>

#include "gpu_test_support.hpp"
#include "init_run_peak.hpp"
#include "harness/cupti_peak_memory.hpp"
#include "likelihoods/lens/device/pixelized_counts.hpp"
#include "likelihoods/lens/fits_image.hpp"
#include "likelihoods/lens/lens_parameters.hpp"
#include "likelihoods/lens/mesh/hilbert_image_mesh.hpp"
#include "likelihoods/lens/pixelization/adapt_image.hpp"
#include "likelihoods/lens/pixelization/pixelized_likelihood.hpp"
#include "likelihoods/lens/pixelization/pixelized_likelihood_cuda.hpp"
#include "samplers/nss/nss_sampler.hpp"
#include "tests/support/lens_test_data.hpp"
#include "tests/support/parity_reference.hpp"
#include "tests/support/device_emulation/pixelized_emulation.hpp"
#include "tests/support/lens_cases.hpp"
#include "tests/support/pixelized_cells.hpp"

namespace nslab {
namespace {

using lens_cases::relative_difference;
using lens_cases::simulated_imaging;

constexpr auto kDense = InversionFormulation::kDense, kSparse = InversionFormulation::kSparse;
constexpr auto kFp64 = Precision::kFp64, kFp32 = Precision::kFp32;

// The cells' meshes (tests/support/pixelized_cells.hpp), one per dataset and model.
std::shared_ptr<const PixelizedSource> make_source(const std::string& model,
                                                   const std::shared_ptr<const MaskedImaging>& imaging, bool ci) {
  static std::map<const MaskedImaging*, std::map<std::string, std::shared_ptr<const PixelizedSource>>> cache;
  auto& slot = cache[imaging.get()][model];
  if (slot) return slot;
  slot = pixelized_cells::make_source(model, *imaging, ci);
  return slot;
}

struct Cell {
  std::string model, instrument;
  InversionFormulation formulation;
  Precision precision;
  std::string name() const {
    return model + "/" + instrument + "/" + to_string(formulation) + "/" + to_string(precision);
  }
};

std::unique_ptr<Likelihood> make_cpu(const Cell& c) {
  const auto imaging = simulated_imaging(c.instrument);
  const auto source = make_source(c.model, imaging, c.instrument == "ci");
  if (c.precision == kFp32) return std::make_unique<PixelizedLikelihood<float>>(imaging, source, c.formulation);
  return std::make_unique<PixelizedLikelihood<double>>(imaging, source, c.formulation);
}

std::unique_ptr<Likelihood> make_cuda(const Cell& c) {
  const auto imaging = simulated_imaging(c.instrument);
  return make_cuda_pixelized_likelihood(imaging, make_source(c.model, imaging, c.instrument == "ci"), c.formulation,
                                        c.precision, "test " + c.name());
}

// The true lens (coefficient 1), prior draws, and points near the truth with
// the coefficient at its prior draw, as the emulation test's points.
std::vector<double> test_points(const Likelihood& likelihood, std::size_t draws, std::size_t near, std::uint64_t seed) {
  std::vector<double> points = pixelized_truth_parameters(1.0);
  const std::vector<double> drawn = lens_cases::prior_draws(likelihood, draws + near, seed);
  points.insert(points.end(), drawn.begin(), drawn.end());
  lens_cases::jitter_around(points, kPixelizedParameterCount, 1 + draws, pixelized_truth_parameters(1.0), 0.01,
                            seed + 1, {kLensParameterCount});
  return points;
}

// Bounds, per point (relative, |a - b| / max(1, |b|)): fp64 and the sparse
// path (double on both sides) 1e-10, issue 15's. fp32 dense: F is a float
// product, summed by cuBLAS in its order and by Eigen in another, so the
// device's float error is of the kind and size of the CPU's own at that
// point: 20x the CPU's fp32-vs-fp64 difference there (at least 1e-7); points
// where the CPU's fp32 and fp64 differ in finiteness (fp32's Cholesky
// refusing an F + H at the 1e-8 ridge) are left out and counted. As in the
// emulation test, a point beyond its bound must lie within ten times the
// CPU's own movement under round-off there (lens_cases::round_off_spread),
// and such points are counted.
bool single_dense(const Cell& c) { return c.precision == kFp32 && c.formulation == kDense; }

class CudaPixelized : public ::testing::TestWithParam<Cell> {};

TEST_P(CudaPixelized, AgreesWithTheCpuAndTheEmulationPointByPoint) {
  NSLAB_SKIP_WITHOUT_CUDA_DEVICE();
  const Cell c = GetParam();
  const auto cpu = make_cpu(c);
  const auto cuda = make_cuda(c);
  ASSERT_EQ(cuda->dim(), cpu->dim());
  EXPECT_EQ(cuda->parameter_names(), cpu->parameter_names());
  const std::vector<double> points = test_points(*cpu, 12, 4, 20261203);
  const std::vector<double> expected = gpu_test::evaluate_in_batches(*cpu, points);
  const std::vector<double> actual = gpu_test::evaluate_in_batches(*cuda, points);
  const std::size_t count = expected.size();
  std::vector<double> bound(count, 1e-10);
  std::vector<bool> comparable(count, true);
  std::size_t left_out = 0, conditioned = 0;
  if (single_dense(c)) {
    Cell double_cell = c;
    double_cell.precision = kFp64;
    const std::vector<double> reference = gpu_test::evaluate_in_batches(*make_cpu(double_cell), points);
    for (std::size_t i = 0; i < count; ++i) {
      comparable[i] = std::isfinite(expected[i]) == std::isfinite(reference[i]);
      left_out += comparable[i] ? 0 : 1;
      if (comparable[i] && std::isfinite(expected[i]))
        bound[i] = std::max(20 * relative_difference(expected[i], reference[i]), 1e-7);
    }
  }
  Cell other_cell = c;
  other_cell.formulation = c.formulation == kDense ? kSparse : kDense;
  const auto other = make_cpu(other_cell);
  // The emulation of the first three points (it is slow at hst: one thread).
  const auto imaging = simulated_imaging(c.instrument);
  const std::vector<double> first(points.begin(), points.begin() + 3 * kPixelizedParameterCount);
  const PixelizedEmulation emulated = emulate_cuda_pixelized_on_host(
      *imaging, *make_source(c.model, imaging, c.instrument == "ci"), c.formulation, c.precision, first);
  double worst = 0.0, worst_emulated = 0.0;
  std::size_t finite = 0;
  for (std::size_t i = 0; i < count; ++i) {
    if (!comparable[i]) continue;
    if (!std::isfinite(expected[i])) {
      EXPECT_EQ(actual[i], expected[i]) << "point " << i;
      continue;
    }
    ++finite;
    const double relative = relative_difference(actual[i], expected[i]);
    worst = std::max(worst, relative);
    if (i < emulated.points.size()) {
      const double versus = relative_difference(actual[i], emulated.points[i].parts.figure_of_merit);
      worst_emulated = std::max(worst_emulated, versus);
      EXPECT_LE(versus, bound[i]) << "point " << i << ": device vs its host emulation";
    }
    if (relative <= bound[i]) continue;
    const std::vector<double> point(points.begin() + i * kPixelizedParameterCount,
                                    points.begin() + (i + 1) * kPixelizedParameterCount);
    const double spread = lens_cases::round_off_spread(*cpu, *other, point, expected[i]);
    ++conditioned;
    EXPECT_LE(relative, 10 * spread) << "point " << i << " (coefficient " << point.back() << "): cpu " << expected[i]
                                    << " cuda " << actual[i] << "; the CPU's own value moves by " << spread
                                    << " under round-off";
  }
  EXPECT_LE(conditioned, std::max<std::size_t>(1, finite / 10));
  EXPECT_EQ(cuda->bytes_per_replica(), emulated.bytes_per_replica);
  // The parts at the truth, from the device path.
  const std::vector<double> truth = pixelized_truth_parameters(1.0);
  const auto cpu_parts = cpu->evaluation_parts(truth);
  const auto cuda_parts = cuda->evaluation_parts(truth);
  for (const char* part : {"chi_squared", "regularization_term", "log_det_curvature_reg", "log_det_regularization",
                           "log_evidence"})
    EXPECT_LE(relative_difference(cuda_parts.at(part), cpu_parts.at(part)), 10 * bound[0]) << part;
  std::cout.precision(3);
  std::cout << "[ measured ] " << c.name() << " cuda vs cpu: worst relative difference " << worst << " over "
            << finite << " finite of " << count << " points (bound " << (single_dense(c) ? "20x CPU fp32 spread" : "1e-10")
            << "); vs host emulation " << worst_emulated << "; bytes_per_replica " << cuda->bytes_per_replica()
            << " (cpu " << cpu->bytes_per_replica() << "); " << conditioned << " beyond the bound, within ten times the "
            << "CPU's own movement under round-off";
  if (single_dense(c)) std::cout << "; " << left_out << " left out (fp32 and fp64 differ in finiteness on the CPU)";
  std::cout << "\n";
}

TEST_P(CudaPixelized, DeviceValuesDoNotDependOnTheBatch) {
  NSLAB_SKIP_WITHOUT_CUDA_DEVICE();
  const Cell c = GetParam();
  const auto cuda = make_cuda(c);
  const std::vector<double> points = test_points(*cuda, 9, 4, 7);
  const std::vector<double> together = gpu_test::evaluate_in_batches(*cuda, points);
  EXPECT_EQ(gpu_test::evaluate_in_batches(*cuda, points, 1), together);
  EXPECT_EQ(gpu_test::evaluate_in_batches(*cuda, points, 7), together);
}

std::string cell_name(const ::testing::TestParamInfo<Cell>& info) {
  std::string name = info.param.name();
  for (char& ch : name)
    if (ch == '/') ch = '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(
    Models, CudaPixelized,
    ::testing::Values(Cell{"rectangular", "hst", kDense, kFp64}, Cell{"rectangular", "hst", kSparse, kFp64},
                      Cell{"delaunay", "hst", kDense, kFp64}, Cell{"delaunay", "hst", kSparse, kFp64},
                      Cell{"rectangular", "hst", kDense, kFp32}, Cell{"rectangular", "hst", kSparse, kFp32},
                      Cell{"delaunay", "hst", kDense, kFp32}, Cell{"delaunay", "hst", kSparse, kFp32},
                      Cell{"rectangular", "ci", kSparse, kFp64}, Cell{"delaunay", "ci", kDense, kFp64}),
    cell_name);

// docs/nss.md's invariant on the device, on the cell the project is about:
// chunk_size 1, 7 and num_delete give the same run, bit for bit (max_evals
// bounds it to the init and the first outer steps).
TEST(CudaPixelizedNss, DelaunayHstResultsAreBitIdenticalAcrossChunkSizes) {
  NSLAB_SKIP_WITHOUT_CUDA_DEVICE();
  const auto cuda = make_cuda({"delaunay", "hst", kSparse, kFp64});
  NssSettings settings;
  settings.n_live = 40;
  settings.num_delete = 10;
  settings.num_inner_steps = 5;
  settings.max_evals = 160;
  settings.seed = 3;
  SamplerResult reference;
  for (std::size_t k : {settings.num_delete, std::size_t{1}, std::size_t{7}}) {
    settings.chunk_size = k;
    const auto t0 = std::chrono::steady_clock::now();
    const SamplerResult result = NssSampler(*cuda, settings).run();
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::cout << "[ measured ] nss/imaging/delaunay/hst/fp64 (sparse) chunk_size " << k << ": "
              << result.counters.likelihood_evals << " evaluations in " << s << " s, log Z " << result.log_evidence
              << ", largest batch " << result.counters.largest_batch << "\n";
    EXPECT_LE(result.counters.largest_batch, k);
    EXPECT_GT(result.counters.likelihood_evals, settings.n_live) << "the run must reach the slice chains";
    if (k == settings.num_delete) {
      reference = result;
      continue;
    }
    EXPECT_EQ(result.log_evidence, reference.log_evidence) << "chunk_size " << k;
    EXPECT_EQ(result.max_log_likelihood, reference.max_log_likelihood) << "chunk_size " << k;
    EXPECT_EQ(result.posterior.points, reference.posterior.points) << "chunk_size " << k;
    EXPECT_EQ(result.posterior.log_l, reference.posterior.log_l) << "chunk_size " << k;
    EXPECT_EQ(result.counters.likelihood_evals, reference.counters.likelihood_evals) << "chunk_size " << k;
  }
}

// PyAutoLens's own values on the real HST dataset (tests/data/parity), from
// the device likelihood, by the CPU parity tests' rules (parity_reference.hpp).
// The prior median is the exactly mirror-symmetric lens whose tied traced
// coordinates make the rectangular evidence jump (compared_as_degenerate
// there); here it is held to 1e-4 only.
FitParts fit_parts_of(const std::map<std::string, double>& parts) {
  FitParts out;
  out.chi_squared = parts.at("chi_squared");
  out.regularization_term = parts.at("regularization_term");
  out.log_det_curvature_reg = parts.at("log_det_curvature_reg");
  out.log_det_regularization = parts.at("log_det_regularization");
  out.noise_normalization = parts.at("noise_normalization");
  out.log_evidence = parts.at("log_evidence");
  out.figure_of_merit = parts.at("figure_of_merit");
  return out;
}

void expect_device_parity(const std::string& reference_name, const std::string& model, InversionFormulation formulation) {
  const auto reference = parity::reference(reference_name);
  static const auto imaging = make_masked_imaging(read_imaging_dataset(lens_test::hst_dataset_folder(), 0.05), 3.5);
  const auto cuda = make_cuda_pixelized_likelihood(imaging, make_source(model, imaging, false), formulation, kFp64,
                                                   "test parity " + model);
  const std::string what = "device " + model + " " + to_string(formulation);
  double worst = 0.0;
  for (const auto& point : parity::fitted_points(reference)) {
    const std::string label = point["label"].get<std::string>();
    const FitParts parts = fit_parts_of(cuda->evaluation_parts(point["parameters"].get<std::vector<double>>()));
    const double expected = point["figure_of_merit"].get<double>();
    if (label == "prior_median") {
      EXPECT_NEAR(parts.figure_of_merit, expected, 1e-4 * std::abs(expected)) << what << " " << label;
      continue;
    }
    parity::expect_pixelized_parity(parts, point, what);
    if (std::isfinite(parts.figure_of_merit))
      worst = std::max(worst, parity::relative(parts.figure_of_merit +
                                                   0.5 * (point["log_det_regularization_matrix_term"].get<double>() -
                                                          parts.log_det_regularization),
                                               expected));
  }
  std::cout << "[ measured ] PyAutoLens parity on the real HST dataset, " << what
            << ": worst relative difference " << worst << " (bound 1e-8)\n";
}

TEST(CudaPixelizedParity, RealHstMatchesPyAutoLens) {
  NSLAB_SKIP_WITHOUT_CUDA_DEVICE();
  if (!lens_test::hst_dataset_present())
    GTEST_SKIP() << "the HST dataset is not at " << lens_test::hst_dataset_folder() << " (set NSLAB_SHARED_DIR)";
  for (InversionFormulation formulation : {kSparse, kDense}) {
    expect_device_parity("hst_pixelization.json", "rectangular", formulation);
    expect_device_parity("hst_delaunay.json", "delaunay", formulation);
  }
}

// What cuBLAS/cuSOLVER and CUB hold beside the tracked buffers (see
// cuda_memory_test.cpp: 160 MiB measured on an H100 for the mapping cells).
constexpr std::size_t kLibraryAllowance = 256u << 20;

TEST(CudaPixelizedMemory, DelaunayHstPeakIsLinearInChunkSize) {
  NSLAB_SKIP_WITHOUT_CUDA_DEVICE();
  simulated_imaging("hst");  // host data, built outside the window
  std::map<InversionFormulation, std::size_t> per_replica;
  for (InversionFormulation formulation : {kDense, kSparse}) {
    const Cell c{"delaunay", "hst", formulation, kFp64};
    make_source(c.model, simulated_imaging("hst"), false);
    std::size_t first_fixed = 0, first_extra = 0;
    for (std::size_t k : {1, 4, 16, 50}) {
      const gpu_test::InitRunPeak peak =
          gpu_test::init_run_peak([&] { return make_cuda(c); }, k, std::max<std::size_t>(k, 16));
      const std::size_t fixed = peak.fixed, tracked = peak.tracked;
      const DevicePeak& cupti = peak.cupti;
      per_replica[formulation] = peak.bytes_per_replica;
      std::cout << "[ measured ] memory " << c.name() << " k=" << k << ": bytes_per_replica " << peak.bytes_per_replica
                << ", fixed " << fixed << ", tracked peak " << tracked << ", CUPTI peak " << cupti.bytes << " ("
                << cupti.source << ")\n";
      EXPECT_EQ(tracked, k * peak.bytes_per_replica + fixed) << "k = " << k;
      if (k == 1) first_fixed = fixed;
      EXPECT_EQ(fixed, first_fixed) << "the fixed overhead must not grow with k";
      ASSERT_EQ(cupti.source, "cupti") << cupti.note;
      ASSERT_GE(cupti.bytes, tracked);
      const std::size_t extra = cupti.bytes - tracked;
      EXPECT_LE(extra, kLibraryAllowance) << "k = " << k;
      if (k == 1) first_extra = extra;
      EXPECT_LE(extra > first_extra ? extra - first_extra : first_extra - extra, 2u << 20)
          << "k = " << k << ": CUPTI's untracked bytes change with k";
    }
  }
  std::cout << "[ measured ] memory delaunay/hst/fp64 per replica: dense " << per_replica[kDense] << ", sparse "
            << per_replica[kSparse] << ", ratio " << static_cast<double>(per_replica[kDense]) / per_replica[kSparse]
            << " (JAX's probe: 922 vs 132 MB)\n";
}

TEST(CudaPixelizedMemory, TooLargeChunkSizeSaysWhichFits) {
  NSLAB_SKIP_WITHOUT_CUDA_DEVICE();
  const std::string cell = "nss/imaging/delaunay/hst/fp64";
  const auto cuda = make_cuda_pixelized_likelihood(simulated_imaging("hst"),
                                                   make_source("delaunay", simulated_imaging("hst"), false), kDense,
                                                   kFp64, cell);
  const std::size_t too_many = device_memory_info().total_bytes / cuda->bytes_per_replica() + 8;
  Workspace workspace(cuda->workspace_allocator());
  try {
    workspace.reserve(too_many, cuda->bytes_per_replica());
    FAIL() << "k = " << too_many << " cannot fit";
  } catch (const WorkspaceOutOfDeviceMemory& error) {
    const std::string message = error.what();
    std::cout << "[ measured ] " << message << "\n";
    EXPECT_NE(message.find(cell), std::string::npos) << message;
    EXPECT_NE(message.find("would fit"), std::string::npos) << message;
    EXPECT_GT(error.replicas_fitting, 0u);
    EXPECT_LT(error.replicas_fitting, too_many);
    // The recommended k then runs: one batch of that many points.
    const std::size_t k = std::min<std::size_t>(error.replicas_fitting, 64);
    const std::vector<double> points = test_points(*cuda, k - 1, 0, 5);
    EXPECT_NO_THROW(gpu_test::evaluate_in_batches(*cuda, points));
  }
}

// The card's two ceilings, measured (METHOD.md): a device-to-device copy
// (bytes read + written) and a cuBLAS DGEMM.
struct Ceilings {
  double bytes_per_s = 0.0, fp64_flops = 0.0;
};
Ceilings measure_ceilings() {
  const std::size_t bytes = std::size_t{2} << 30;
  TrackedBuffer<std::byte> a(bytes, device_allocator()), b(bytes, device_allocator());
  cudaEvent_t start, stop;
  cudaEventCreate(&start), cudaEventCreate(&stop);
  cudaMemcpy(b.data(), a.data(), bytes, cudaMemcpyDeviceToDevice);  // warm-up
  cudaEventRecord(start);
  for (int r = 0; r < 5; ++r) cudaMemcpy(b.data(), a.data(), bytes, cudaMemcpyDeviceToDevice);
  cudaEventRecord(stop);
  cudaEventSynchronize(stop);
  float ms = 0;
  cudaEventElapsedTime(&ms, start, stop);
  Ceilings c;
  c.bytes_per_s = 5.0 * 2.0 * bytes / (1e-3 * ms);
  const int m = 8192;
  TrackedBuffer<double> x(std::size_t(m) * m, device_allocator()), y(std::size_t(m) * m, device_allocator()),
      z(std::size_t(m) * m, device_allocator());
  cudaMemset(x.data(), 0x3f, x.size() * sizeof(double)), cudaMemset(y.data(), 0x3f, y.size() * sizeof(double));
  cublasHandle_t handle;
  cublasCreate(&handle);
  const double one = 1.0, zero = 0.0;
  cublasDgemm(handle, CUBLAS_OP_N, CUBLAS_OP_N, m, m, m, &one, x.data(), m, y.data(), m, &zero, z.data(), m);
  cudaEventRecord(start);
  for (int r = 0; r < 3; ++r)
    cublasDgemm(handle, CUBLAS_OP_N, CUBLAS_OP_N, m, m, m, &one, x.data(), m, y.data(), m, &zero, z.data(), m);
  cudaEventRecord(stop);
  cudaEventSynchronize(stop);
  cudaEventElapsedTime(&ms, start, stop);
  c.fp64_flops = 3.0 * 2.0 * double(m) * m * m / (1e-3 * ms);
  cublasDestroy(handle);
  cudaEventDestroy(start), cudaEventDestroy(stop);
  return c;
}

// ms per evaluation in batches (the likelihood alone), the device and host
// time per phase at the largest batch, and the achieved roofline fractions.
TEST(CudaPixelizedTiming, HstBatchesPhasesAndRoofline) {
  NSLAB_SKIP_WITHOUT_CUDA_DEVICE();
  const Ceilings ceilings = measure_ceilings();
  std::cout << "[ measured ] ceilings: copy " << ceilings.bytes_per_s / 1e12 << " TB/s, DGEMM "
            << ceilings.fp64_flops / 1e12 << " TFLOP/s\n";
  for (const Cell& c : {Cell{"rectangular", "hst", kDense, kFp64}, Cell{"rectangular", "hst", kSparse, kFp64},
                        Cell{"delaunay", "hst", kDense, kFp64}, Cell{"delaunay", "hst", kSparse, kFp64}}) {
    const auto cuda = make_cuda(c);
    auto* phases = dynamic_cast<DevicePhaseTimes*>(cuda.get());
    ASSERT_NE(phases, nullptr);
    Workspace workspace(cuda->workspace_allocator());
    double ms_at_largest = 0.0;
    for (std::size_t k : {1, 16, 64}) {
      const int repeats = k == 1 ? 5 : 2;
      const double ms = gpu_test::ms_per_eval(*cuda, test_points(*cuda, k - 1, 0, 11), workspace, repeats,
                                              [&] { phases->reset_phase_ms(); });
      std::cout << "[ measured ] timing " << c.name() << " k=" << k << ": " << ms << " ms/eval (" << repeats
                << " batches)\n";
      ms_at_largest = ms;
    }
    std::cout << "[ measured ] phases " << c.name() << " k=64 (ms per evaluation):";
    const auto phase = phases->phase_ms();
    const double evaluations = phase.at("points");
    for (const auto& [name, total] : phase)
      if (name != "points" && name != "slices") std::cout << " " << name << " " << total / evaluations;
    std::cout << "\n";
    // The plan of this cell for the counts (a host object: cheap).
    const auto imaging = simulated_imaging(c.instrument);
    const PixelizedPlan plan(*imaging, *make_source(c.model, imaging, false), c.formulation, false);
    const PixelizedCounts counts = pixelized_operation_counts(plan, MappingStatistics::typical(plan));
    const double device_ms = [&] {
      double sum = 0.0;
      for (const auto& [name, total] : phase)
        if (name.rfind("device_", 0) == 0) sum += total;
      return sum / evaluations;
    }();
    const RooflineFractions whole = roofline_fractions(counts, ms_at_largest, ceilings.fp64_flops, ceilings.bytes_per_s);
    const RooflineFractions device = roofline_fractions(counts, device_ms, ceilings.fp64_flops, ceilings.bytes_per_s);
    std::cout << "[ measured ] roofline " << c.name() << ": counted " << counts.flops() / 1e9 << " GFLOP, "
              << counts.bytes() / 1e9 << " GB per evaluation; at " << ms_at_largest << " ms/eval: "
              << 100 * whole.flops_fraction << "% of DGEMM's rate, " << 100 * whole.bandwidth_fraction
              << "% of copy bandwidth; device time alone (" << device_ms << " ms): " << 100 * device.flops_fraction
              << "%, " << 100 * device.bandwidth_fraction << "%\n";
  }
}

TEST(CudaPixelizedWithoutDevice, ConstructionSaysThereIsNoDevice) {
  std::string reason;
  if (cuda_device_count(&reason) > 0) GTEST_SKIP() << "a CUDA device is present";
  try {
    make_cuda({"rectangular", "ci", kSparse, kFp64});
    FAIL() << "expected RunError";
  } catch (const RunError& error) {
    EXPECT_NE(std::string(error.what()).find("needs a CUDA device"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace nslab
