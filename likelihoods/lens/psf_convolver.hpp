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

#include "core/workspace.hpp"
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

  // The same, in two 1-D passes when the kernel is separable (numerically
  // rank one: second singular value below 1e-12 of the first, as a Gaussian
  // PSF is), with the row-pass image taken from `scratch`; otherwise the
  // direct convolution above. The rank-one kernel differs from the given one
  // by at most that second singular value, so outputs agree to ~1e-12
  // relative -- eight times fewer multiply-adds for a 21 x 21 kernel.
  template <class Real>
  void convolve(const Real* input, std::size_t columns, bool with_blurring, Real* output,
                ScratchArena& scratch) const;
  template <class Real>
  std::size_t scratch_bytes(std::size_t columns) const;
  bool separable() const { return separable_; }

 private:
  std::size_t mask_pixels_, blurring_pixels_;
  int kernel_rows_, kernel_cols_;
  std::vector<double> flipped_kernel_;       // K[kr-1-a][kc-1-b] at (a, b)
  int box_row0_, box_col0_, box_cols_;       // bounding box of all input pixels
  std::vector<std::int32_t> index_;          // box pixel -> input index, -1 if none
  std::vector<std::int32_t> output_origin_;  // per mask pixel: box index of its top-left tap
  // Separable form: F[a][b] = flipped_y_[a] flipped_x_[b]; the row pass is
  // kept on the box of mask columns x (mask rows +- kernel_rows / 2).
  bool separable_ = false;
  std::vector<double> flipped_y_, flipped_x_;
  int pass_row0_ = 0, pass_rows_ = 0, pass_col0_ = 0, pass_cols_ = 0;
};

}  // namespace nslab
