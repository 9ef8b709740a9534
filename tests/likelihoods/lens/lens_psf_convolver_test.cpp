#include "likelihoods/lens/psf_convolver.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace nslab
