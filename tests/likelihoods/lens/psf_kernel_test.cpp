// The PSF kernel the convolutions use (likelihoods/lens/psf_kernel.hpp): only
// a border that cannot change a double is trimmed, and the convolution by
// what is left matches the whole kernel's to within that border's share.
#include "likelihoods/lens/psf_kernel.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "likelihoods/lens/grids.hpp"
#include "likelihoods/lens/psf_convolver.hpp"

namespace nslab {
namespace {

// A unit-sum Gaussian of `sigma` pixels on rows x cols, as the HST PSF is
// (sigma 1 on 21 x 21: its edge taps are 2e-22 and 3e-18 of the peak, the
// next ring in 1e-14).
Image2D gaussian_kernel(int rows, int cols, double sigma_y, double sigma_x) {
  Image2D k(rows, cols);
  double sum = 0.0;
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) {
      const double y = r - rows / 2, x = c - cols / 2;
      k.at(r, c) = std::exp(-0.5 * (y * y / (sigma_y * sigma_y) + x * x / (sigma_x * sigma_x)));
      sum += k.at(r, c);
    }
  for (double& v : k.values) v /= sum;
  return k;
}

void expect_centre_of(const Image2D& core, const Image2D& kernel) {
  const int dr = (kernel.rows - core.rows) / 2, dc = (kernel.cols - core.cols) / 2;
  for (int r = 0; r < core.rows; ++r)
    for (int c = 0; c < core.cols; ++c) EXPECT_EQ(core.at(r, c), kernel.at(r + dr, c + dc));
}

// The HST Gaussian keeps its 17 x 17 core; a Gaussian wide in x (sigma 3:
// its edge columns hold 1e-3 of the sum) loses only its rows' tails.
TEST(PsfKernel, TrimsRowsAndColumnsEachByTheirOwnTails) {
  struct Case {
    double sigma_y, sigma_x;
    int rows, cols;
  };
  for (const Case c : {Case{1.0, 1.0, 17, 17}, Case{1.0, 3.0, 17, 21}}) {
    const Image2D kernel = gaussian_kernel(21, 21, c.sigma_y, c.sigma_x);
    const Image2D core = without_negligible_border(kernel);
    EXPECT_EQ(core.rows, c.rows);
    EXPECT_EQ(core.cols, c.cols);
    expect_centre_of(core, kernel);
  }
}

TEST(PsfKernel, KeepsAKernelWithoutANegligibleBorder) {
  for (const Image2D& kernel : {Image2D(5, 3, 1.0 / 15.0), gaussian_kernel(7, 7, 2.0, 2.0), Image2D(1, 1, 1.0)}) {
    const Image2D core = without_negligible_border(kernel);
    EXPECT_EQ(core.rows, kernel.rows);
    EXPECT_EQ(core.cols, kernel.cols);
    EXPECT_EQ(core.values, kernel.values);
  }
}

TEST(PsfKernel, TrimsAnExactlyZeroBorderWhateverItsWidth) {
  Image2D kernel(9, 9);
  kernel.at(4, 4) = 0.5, kernel.at(3, 4) = 0.25, kernel.at(5, 4) = 0.25;
  const Image2D core = without_negligible_border(kernel);
  EXPECT_EQ(core.rows, 3);
  EXPECT_EQ(core.cols, 1);
  expect_centre_of(core, kernel);
}

// The convolution by the core against the whole kernel's, on random inputs
// spanning 40 orders of magnitude (as an MGE's columns do): every output
// within kNegligibleKernelShare of the largest input.
TEST(PsfKernel, ConvolutionByTheCoreMatchesTheWholeKernelToItsShare) {
  const Image2D kernel = gaussian_kernel(21, 21, 1.0, 1.0);
  const CircularMask mask = make_circular_mask(40, 1.0, 15.0);
  const auto blurring = make_blurring_pixels(mask, kernel.rows, kernel.cols);
  const PsfConvolver whole(kernel, mask.pixels, blurring);
  const PsfConvolver core(without_negligible_border(kernel), mask.pixels, blurring);
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> exponent(-40.0, 0.0);
  const std::size_t n = mask.pixels.size(), inputs = n + blurring.size();
  std::vector<double> input(inputs), a(n), b(n);
  for (double& v : input) v = std::pow(10.0, exponent(rng));
  whole.convolve(input.data(), 1, true, a.data());
  core.convolve(input.data(), 1, true, b.data());
  const double largest = *std::max_element(input.begin(), input.end());
  double worst = 0.0;
  for (std::size_t p = 0; p < n; ++p) worst = std::max(worst, std::abs(a[p] - b[p]));
  EXPECT_LE(worst, kNegligibleKernelShare * largest + 1e-16 * largest);
  EXPECT_GT(worst, 0.0);  // the inputs reach the trimmed taps: the check is not vacuous
}

}  // namespace
}  // namespace nslab
