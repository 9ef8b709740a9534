#pragma once
// PSF convolution of images that live only on the masked pixels (and, for
// light profiles, the blurring pixels): a true "same"-mode convolution on a
// zero canvas, read back at the masked pixels -- what PyAutoArray's
// Convolver does with scipy.signal.convolve on its padded canvas.
//
// out(r, c) = sum_{dy, dx} K[hr - dy][hc - dx] * in(r + dy, c + dx),
// with in() zero off the given pixels. Several images ("columns") are
// convolved at once, stored pixel-major: value of column j at pixel p is
// in[p * columns + j], so each kernel tap is one contiguous multiply-add.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "likelihoods/grid/circular_mask.hpp"
#include "likelihoods/lens/fits_image.hpp"

namespace nslab {

class PsfConvolver {
 public:
  // kernel: odd sides. Input pixels are the mask pixels, then the blurring
  // pixels; both lists index the same canvas (CircularMask rows/cols).
  PsfConvolver(const Image2D& kernel, const std::vector<MaskedPixel>& mask_pixels,
               const std::vector<MaskedPixel>& blurring_pixels);

  std::size_t mask_pixels() const { return mask_pixels_; }
  std::size_t blurring_pixels() const { return blurring_pixels_; }

  // input: (mask_pixels + blurring_pixels) x columns when with_blurring, else
  // mask_pixels x columns; output: mask_pixels x columns (overwritten).
  template <class Real>
  void convolve(const Real* input, std::size_t columns, bool with_blurring, Real* output) const;

 private:
  std::size_t mask_pixels_, blurring_pixels_;
  int kernel_rows_, kernel_cols_;
  std::vector<double> flipped_kernel_;       // K[kr-1-a][kc-1-b] at (a, b)
  int box_row0_, box_col0_, box_cols_;       // bounding box of all input pixels
  std::vector<std::int32_t> index_;          // box pixel -> input index, -1 if none
  std::vector<std::int32_t> output_origin_;  // per mask pixel: box index of its top-left tap
};

}  // namespace nslab
