#include "likelihoods/lens/psf_convolver.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "likelihoods/lens/grids.hpp"

namespace nslab {
namespace {

// scipy.signal.convolve(image, kernel, mode="same") written from its
// definition: the full convolution full[m] = sum_k in[m - k] K[k], cropped so
// output (r, c) is full[r + kr/2, c + kc/2]; `image` is the whole canvas.
double same_mode_at(const Image2D& image, const Image2D& kernel, int r, int c) {
  double sum = 0.0;
  const int mr = r + kernel.rows / 2, mc = c + kernel.cols / 2;
  for (int i = 0; i < kernel.rows; ++i)
    for (int j = 0; j < kernel.cols; ++j) {
      const int rr = mr - i, cc = mc - j;
      if (rr >= 0 && rr < image.rows && cc >= 0 && cc < image.cols)
        sum += image.at(rr, cc) * kernel.at(i, j);
    }
  return sum;
}

TEST(LensPsfConvolver, IsSameModeConvolutionOnAZeroCanvasWithAnAsymmetricKernel) {
  std::mt19937 rng(1);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  Image2D kernel(5, 3);
  for (double& v : kernel.values) v = uniform(rng);
  const CircularMask mask = make_circular_mask(15, 1.0, 4.2);
  const auto blurring = make_blurring_pixels(mask, kernel.rows, kernel.cols);
  const PsfConvolver convolver(kernel, mask.pixels, blurring);
  const std::size_t columns = 3, n = mask.pixels.size(), b = blurring.size();
  std::vector<double> input((n + b) * columns), output(n * columns);
  for (double& v : input) v = uniform(rng);
  for (bool with_blurring : {true, false}) {
    convolver.convolve(input.data(), columns, with_blurring, output.data());
    for (std::size_t j = 0; j < columns; ++j) {
      // The canvas, padded by the kernel so blurring pixels fit.
      const int pad = 3;
      Image2D canvas(15 + 2 * pad, 15 + 2 * pad);
      for (std::size_t p = 0; p < n; ++p)
        canvas.at(mask.pixels[p].row + pad, mask.pixels[p].col + pad) = input[p * columns + j];
      if (with_blurring)
        for (std::size_t q = 0; q < b; ++q)
          canvas.at(blurring[q].row + pad, blurring[q].col + pad) = input[(n + q) * columns + j];
      for (std::size_t p = 0; p < n; ++p)
        EXPECT_NEAR(output[p * columns + j],
                    same_mode_at(canvas, kernel, mask.pixels[p].row + pad, mask.pixels[p].col + pad),
                    1e-13);
    }
  }
}

TEST(LensPsfConvolver, SeparablePassesMatchTheDirectConvolutionForAGaussianPsf) {
  std::mt19937 rng(2);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  Image2D kernel(21, 21);
  for (int a = 0; a < 21; ++a)
    for (int b = 0; b < 21; ++b) kernel.at(a, b) = std::exp(-0.5 * ((a - 10) * (a - 10) + (b - 10) * (b - 10)));
  const CircularMask mask = make_circular_mask(41, 0.1, 2.0);
  const auto blurring = make_blurring_pixels(mask, 21, 21);
  const PsfConvolver convolver(kernel, mask.pixels, blurring);
  ASSERT_TRUE(convolver.separable());
  const std::size_t columns = 2, n = mask.pixels.size();
  std::vector<double> input((n + blurring.size()) * columns), direct(n * columns), passes(n * columns);
  for (double& v : input) v = uniform(rng);
  std::vector<std::byte> memory(convolver.scratch_bytes<double>(columns));
  for (bool with_blurring : {true, false}) {
    ScratchArena scratch(memory.data(), memory.size());
    convolver.convolve(input.data(), columns, with_blurring, direct.data());
    convolver.convolve(input.data(), columns, with_blurring, passes.data(), scratch);
    EXPECT_EQ(scratch.used_bytes(), memory.size());
    for (std::size_t i = 0; i < direct.size(); ++i) EXPECT_NEAR(passes[i], direct[i], 1e-12 * direct[i] + 1e-300);
  }
  Image2D lopsided = kernel;
  lopsided.at(3, 17) += 0.5;  // no longer rank one: the direct path is used
  EXPECT_FALSE(PsfConvolver(lopsided, mask.pixels, blurring).separable());
}

}  // namespace
}  // namespace nslab
