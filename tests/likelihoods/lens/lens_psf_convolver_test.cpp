#include "likelihoods/lens/psf_convolver.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <random>

#include "likelihoods/lens/canvas_bits.hpp"
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

// One image on the canvas, from input values laid out as convolve() takes
// them (one column); the region of its nonzero cells and their bits.
std::vector<double> canvas_of(const PsfConvolver& convolver, const std::vector<double>& input,
                              PsfConvolver::CanvasRegion& nonzero, std::vector<std::uint64_t>& bits) {
  std::vector<double> canvas(convolver.canvas_size(), 0.0);
  nonzero = {};
  bits.assign(convolver.canvas_bits_size(), 0);
  const int words = canvas_bit_words(convolver.canvas_cols());
  for (std::size_t i = 0; i < input.size(); ++i) {
    const auto& cell = convolver.input_cells()[i];
    canvas[cell.index] = input[i];
    if (input[i] != 0.0) nonzero.include(cell.row, cell.col), set_canvas_bits(&bits[cell.row * words], cell.col, cell.col);
  }
  return canvas;
}

// The canvas form against the direct one, for a Gaussian (separable: two
// passes) and a lopsided kernel (direct taps along rows), on a dense image,
// on a narrow blob that is zero on most of the canvas and on a few scattered
// pixels (as a traced source Gaussian's arcs are): only what their bits reach
// is convolved, bit-identical to convolving the whole canvas.
TEST(LensPsfConvolver, CanvasFormMatchesTheDirectConvolutionAndSkipsOnlyZeros) {
  std::mt19937 rng(2);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  Image2D gaussian(21, 21);
  for (int a = 0; a < 21; ++a)
    for (int b = 0; b < 21; ++b) gaussian.at(a, b) = std::exp(-0.5 * ((a - 10) * (a - 10) + (b - 10) * (b - 10)));
  Image2D lopsided = gaussian;
  lopsided.at(3, 17) += 0.5;
  const CircularMask mask = make_circular_mask(41, 0.1, 2.0);
  const auto blurring = make_blurring_pixels(mask, 21, 21);
  const std::size_t n = mask.pixels.size(), inputs = n + blurring.size();
  for (const Image2D* kernel : {&gaussian, &lopsided}) {
    const PsfConvolver convolver(*kernel, mask.pixels, blurring);
    EXPECT_EQ(convolver.separable(), kernel == &gaussian);
    EXPECT_EQ(convolver.canvas_pass_size() > 0, convolver.separable());
    // The row-pass buffer starts as garbage: no value is read that the call did not write.
    std::vector<double> pass(convolver.canvas_pass_size(), std::nan(""));
    std::vector<std::uint64_t> scratch_bits(convolver.convolve_bits_size());
    std::vector<double> dense(inputs), blob(inputs, 0.0), scattered(inputs, 0.0);
    for (double& v : dense) v = uniform(rng);
    for (std::size_t i = 0; i < inputs; ++i) {  // a narrow blob off-centre, zero elsewhere
      const auto& cell = convolver.input_cells()[i];
      const int dr = cell.row - 15, dc = cell.col - 22;
      if (dr * dr + dc * dc <= 4) blob[i] = uniform(rng);
    }
    for (std::size_t i : {17ul, 300ul, 301ul, 640ul, 1100ul, inputs - 3}) scattered[i] = uniform(rng);
    for (const auto* input : {&dense, &blob, &scattered}) {
      std::vector<double> direct(n), on_canvas(n), whole(n);
      convolver.convolve(input->data(), 1, true, direct.data());
      PsfConvolver::CanvasRegion nonzero;
      std::vector<std::uint64_t> bits;
      const std::vector<double> canvas = canvas_of(convolver, *input, nonzero, bits);
      const PsfConvolver::OutputRange written =
          convolver.convolve_canvas<double>(canvas.data(), nonzero, bits.data(), on_canvas.data(), pass, scratch_bits);
      PsfConvolver::CanvasRegion everything;
      everything.include(0, 0);
      everything.include(static_cast<int>(convolver.canvas_rows()) - 1,
                         static_cast<int>(convolver.canvas_cols()) - 1);
      const std::vector<std::uint64_t> all_bits(convolver.canvas_bits_size(), ~std::uint64_t{0});
      convolver.convolve_canvas<double>(canvas.data(), everything, all_bits.data(), whole.data(), pass, scratch_bits);
      std::vector<double> without_bits(n);  // all of the region, no bits
      convolver.convolve_canvas<double>(canvas.data(), nonzero, nullptr, without_bits.data(), pass, {});
      // convolve() through the canvas, one column of bits per nonzero cell.
      std::vector<double> through_canvas(n);
      std::vector<std::byte> arena(convolver.canvas_convolve_scratch_bytes<double>());
      ScratchArena scratch(arena.data(), arena.size());
      convolver.convolve<double>(input->data(), 1, true, through_canvas.data(), scratch);
      SCOPED_TRACE(std::string(convolver.separable() ? "separable" : "direct") +
                   (input == &blob ? ", blob" : input == &scattered ? ", scattered" : ", dense"));
      // The rank-one factors are exact to ~1e-16 of the kernel's peak: the
      // bound is relative to the largest output.
      double largest = 0.0;
      for (double v : direct) largest = std::max(largest, std::abs(v));
      std::size_t nonzero_outputs = 0;
      for (std::size_t p = 0; p < n; ++p) {
        EXPECT_NEAR(on_canvas[p], direct[p], 1e-13 * largest);
        EXPECT_EQ(on_canvas[p], whole[p]);
        EXPECT_EQ(through_canvas[p], whole[p]);
        EXPECT_EQ(without_bits[p], whole[p]);
        nonzero_outputs += on_canvas[p] != 0.0;
      }
      if (input != &dense) EXPECT_LT(nonzero_outputs, n);  // their outputs do not reach every pixel
      // The reported range holds every nonzero output, and for the blob is
      // narrower than the mask.
      ASSERT_LT(written.first, written.last);
      ASSERT_LE(written.last, n);
      for (std::size_t p = 0; p < n; ++p)
        if (p < written.first || p >= written.last) EXPECT_EQ(on_canvas[p], 0.0) << p;
      if (input == &blob) EXPECT_LT(written.last - written.first, n / 2);
    }
  }
}

}  // namespace
}  // namespace nslab
