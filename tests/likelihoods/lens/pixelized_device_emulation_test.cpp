// The device algorithm of the pixelized models, run on the host
// (tests/support/device_emulation/pixelized_emulation.cpp), against the CPU
// likelihood point by point (issue 15's first must-show): what CI, without a
// GPU or nvcc, can check of the device path -- the per-element code, its
// decomposition and summation orders, the replica layout, the sorts' keys and
// the host half. The GPU suite (tests/gpu/cuda_lens_pixelized_test.cpp)
// checks the device against the same CPU values and against this emulation.
//
// Bound (relative, |a - b| / max(1, |b|)): 1e-10 for every case (issue 15's
// fp64 bound). The emulation differs from the CPU only in summation orders
// (the w-tilde blocks' on the sparse path) and in the PSF's separable
// factors (psf_plan.hpp): measured ~1e-13. One exception, stated and
// checked: where the CPU's own value moves by more than 1e-10 under changes
// that only round differently (lens_cases::round_off_spread: the other
// formulation, the Einstein radius one ulp off), no summation order can do
// better, and a point beyond 1e-10 must lie within ten times that movement
// (the same kind of rounding difference, another realisation of it); such
// points are counted and may be at most a tenth. Two kinds were found: at a
// small regularization coefficient (c ~ 1e-6 .. 1e-4) F + H's source block
// is nearly singular and ln det(F + H) moves by ~1e-7 with F's summation
// order (the CPU's dense and sparse differ by up to 1.5e-9); and at the true
// lens of the simulated hst dataset a few traced coordinates tie exactly,
// so the rectangular mesh's rank CDF, discontinuous at a tie, moves by
// 2.4e-9 when the traced grid changes in its last bit (the CPU in the native
// presets contracts the ray trace into FMAs; the device and its emulation
// round every operation). fp32 is held to the same bound
// because the only float arithmetic -- B~ and F on the dense path; the
// sparse path is double on both sides, as the CPU's -- is the CPU's own here:
// B~ is summed in the CPU's order, and the emulation takes F by the CPU's BLAS
// product where the device calls cuBLAS. The device's float F, summed in
// cuBLAS's order, is what the GPU suite bounds, by 20x the CPU's own
// fp32-vs-fp64 spread (CpuSinglePrecisionSpread prints it here on ci).
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>

#include "likelihoods/lens/lens_parameters.hpp"
#include "likelihoods/lens/mesh/hilbert_image_mesh.hpp"
#include "likelihoods/lens/pixelization/adapt_image.hpp"
#include "likelihoods/lens/pixelization/pixelized_likelihood.hpp"
#include "tests/support/device_emulation/pixelized_emulation.hpp"
#include "tests/support/lens_cases.hpp"
#include "tests/support/pixelized_cells.hpp"

namespace nslab {
namespace {

using lens_cases::relative_difference;
using lens_cases::simulated_imaging;

constexpr auto kDense = InversionFormulation::kDense, kSparse = InversionFormulation::kSparse;
constexpr auto kFp64 = Precision::kFp64, kFp32 = Precision::kFp32;

struct Model {
  const char* name;  // rectangular | delaunay
  const char* instrument;
};

std::shared_ptr<const PixelizedSource> make_source(const Model& model) {
  return pixelized_cells::make_source(model.name, *simulated_imaging(model.instrument),
                                      std::string(model.instrument) == "ci");
}

std::unique_ptr<Likelihood> make_cpu(const Model& model, InversionFormulation formulation, Precision precision) {
  const auto imaging = simulated_imaging(model.instrument);
  if (precision == Precision::kFp32)
    return std::make_unique<PixelizedLikelihood<float>>(imaging, make_source(model), formulation);
  return std::make_unique<PixelizedLikelihood<double>>(imaging, make_source(model), formulation);
}

// The true lens (coefficient 1), then prior draws, then points near the true
// lens with the coefficient left at its prior draw (log-uniform over 1e-6 to
// 1e6: the regularization from negligible to dominant).
std::vector<double> test_points(const Likelihood& likelihood, std::size_t draws, std::size_t near) {
  std::vector<double> points = pixelized_truth_parameters(1.0);
  const std::vector<double> drawn = lens_cases::prior_draws(likelihood, draws + near, 20261201);
  points.insert(points.end(), drawn.begin(), drawn.end());
  lens_cases::jitter_around(points, kPixelizedParameterCount, 1 + draws, pixelized_truth_parameters(1.0), 0.01,
                            20261202, {kLensParameterCount});
  return points;
}

using lens_cases::evaluate;

struct Case {
  Model model;
  InversionFormulation formulation;
  Precision precision;
  std::size_t draws, near;
  double bound;
};

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  const Case& c = info.param;
  return std::string(c.model.name) + "_" + c.model.instrument + "_" + to_string(c.formulation) + "_" +
         to_string(c.precision);
}

class PixelizedDeviceEmulation : public ::testing::TestWithParam<Case> {};

TEST_P(PixelizedDeviceEmulation, AgreesWithTheCpuLikelihoodPointByPoint) {
  const Case c = GetParam();
  const auto cpu = make_cpu(c.model, c.formulation, c.precision);
  const std::vector<double> points = test_points(*cpu, c.draws, c.near);
  const std::vector<double> expected = evaluate(*cpu, points);
  const PixelizedEmulation emulated = emulate_cuda_pixelized_on_host(
      *simulated_imaging(c.model.instrument), *make_source(c.model), c.formulation, c.precision, points);
  ASSERT_EQ(emulated.points.size(), expected.size());
  const auto other = make_cpu(c.model, c.formulation == kDense ? kSparse : kDense, c.precision);
  double worst = 0.0;
  std::size_t finite = 0, constrained = 0, conditioned = 0;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const double actual = emulated.points[i].parts.figure_of_merit;
    if (!std::isfinite(expected[i])) {
      EXPECT_EQ(actual, expected[i]) << "point " << i << ": the CPU's -inf must be the device's";
      continue;
    }
    ++finite;
    if (emulated.points[i].solver_iterations > 2) ++constrained;
    const double relative = relative_difference(actual, expected[i]);
    worst = std::max(worst, relative);
    if (relative <= c.bound) continue;
    // Beyond the bound: the conditioning exception (see the file comment).
    const std::vector<double> point(points.begin() + i * kPixelizedParameterCount,
                                    points.begin() + (i + 1) * kPixelizedParameterCount);
    const double spread = lens_cases::round_off_spread(*cpu, *other, point, expected[i]);
    const double formulations = relative_difference(evaluate(*other, point)[0], expected[i]);
    ++conditioned;
    std::cout << "[ measured ] " << case_name({c, 0}) << " point " << i << " (coefficient " << point.back()
              << "): emulated vs CPU " << relative << "; the CPU's dense vs sparse " << formulations
              << "; the CPU's largest movement under round-off " << spread << "\n";
    EXPECT_LE(relative, 10 * spread) << "point " << i << " (coefficient " << point.back() << "): cpu "
                                    << expected[i] << " emulated " << actual << "; the CPU's own value moves by "
                                    << spread << " under round-off";
  }
  EXPECT_TRUE(std::isfinite(expected[0])) << "the true lens";
  EXPECT_GE(finite, c.draws / 2) << "too few finite points to say anything";
  EXPECT_LE(conditioned, std::max<std::size_t>(1, finite / 10)) << "beyond 1e-10 at more than a tenth of the points";
  // FNNLS solves twice when the unconstrained solution is already positive
  // (the solve and its re-solve on the same set); more means some s_i <= 0
  // were held at zero: the positive-only path ran.
  EXPECT_GT(constrained, 0u) << "no point exercised the positive-only path";
  std::cout.precision(3);
  std::cout << "[ measured ] " << case_name({c, 0}) << " host emulation vs CPU: worst relative difference "
            << worst << " over " << finite << " finite of " << expected.size() << " points ("
            << constrained << " with s_i <= 0 held at zero; " << conditioned
            << " beyond the bound " << c.bound << ", each within ten times the CPU's own movement under round-off); "
            << "device bytes_per_replica " << emulated.bytes_per_replica << " (CPU's " << cpu->bytes_per_replica()
            << ")\n";
}

const Model kRectangularCi{"rectangular", "ci"}, kDelaunayCi{"delaunay", "ci"};
const Model kRectangularHst{"rectangular", "hst"}, kDelaunayHst{"delaunay", "hst"};

INSTANTIATE_TEST_SUITE_P(
    Models, PixelizedDeviceEmulation,
    ::testing::Values(
        // ci: 24 prior draws and 8 points near the truth, every model x formulation x precision.
        Case{kRectangularCi, kDense, kFp64, 24, 8, 1e-10}, Case{kRectangularCi, kSparse, kFp64, 24, 8, 1e-10},
        Case{kDelaunayCi, kDense, kFp64, 24, 8, 1e-10}, Case{kDelaunayCi, kSparse, kFp64, 24, 8, 1e-10},
        Case{kRectangularCi, kDense, kFp32, 24, 8, 1e-10},
        Case{kRectangularCi, kSparse, kFp32, 24, 8, 1e-10},
        Case{kDelaunayCi, kDense, kFp32, 24, 8, 1e-10}, Case{kDelaunayCi, kSparse, kFp32, 24, 8, 1e-10},
        // hst, the cells' fiducial meshes: the true lens and a point near it.
        Case{kRectangularHst, kSparse, kFp64, 0, 1, 1e-10}, Case{kDelaunayHst, kSparse, kFp64, 0, 1, 1e-10},
        Case{kRectangularHst, kDense, kFp64, 0, 1, 1e-10}, Case{kDelaunayHst, kDense, kFp64, 0, 1, 1e-10}),
    case_name);

// The CPU's own fp32-vs-fp64 spread on the ci points (the scale of the GPU
// suite's fp32 dense bound), where both are finite; fp32's Cholesky may
// refuse an F + H whose smallest eigenvalue is the 1e-8 ridge (a large
// coefficient), so some points are -inf in fp32 alone, and are counted.
TEST(PixelizedDeviceEmulationBounds, CpuSinglePrecisionSpread) {
  for (const Model& model : {kRectangularCi, kDelaunayCi}) {
    const auto fp64 = make_cpu(model, kDense, kFp64);
    const auto fp32 = make_cpu(model, kDense, kFp32);
    const std::vector<double> points = test_points(*fp64, 24, 8);
    const std::vector<double> a = evaluate(*fp64, points), b = evaluate(*fp32, points);
    double worst = 0.0;
    std::size_t refused = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!std::isfinite(a[i])) continue;
      if (!std::isfinite(b[i])) ++refused;
      else worst = std::max(worst, relative_difference(b[i], a[i]));
    }
    std::vector<double> spreads;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (std::isfinite(a[i]) && std::isfinite(b[i])) spreads.push_back(relative_difference(b[i], a[i]));
    std::nth_element(spreads.begin(), spreads.begin() + spreads.size() / 2, spreads.end());
    const double median = spreads[spreads.size() / 2];
    std::cout << "[ measured ] " << model.name << "_" << model.instrument
              << " CPU dense fp32 vs fp64: worst relative difference " << worst << ", median " << median
              << " over " << a.size() << " points; " << refused << " finite in fp64 are -inf in fp32\n";
    // Ill-conditioned points (small coefficients) lose most digits in float;
    // the typical point must not.
    EXPECT_LT(median, 1e-4) << "the float pipeline is broken";
  }
}

}  // namespace
}  // namespace nslab
