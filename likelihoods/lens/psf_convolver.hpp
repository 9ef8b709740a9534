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
#include <span>
#include <utility>
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

  // One image at a time on the convolver's canvas: a row-major box of
  // canvas_rows() x canvas_cols() that holds every input pixel and every tap
  // of every mask pixel, so no tap needs a bounds check. Input pixel i (mask
  // pixels, then blurring pixels) sits at input_cells()[i].
  struct CanvasCell {
    std::int32_t index, row, col;
  };
  // The rows and columns (inclusive) outside which a canvas is exactly zero:
  // a narrow Gaussian is zero on most of the canvas, and its taps there are
  // skipped. Skipping only ever drops exact zeros from a sum, so the outputs
  // are bit-identical to those of the whole canvas.
  struct CanvasRegion {
    int row0 = 1 << 30, row1 = -1, col0 = 1 << 30, col1 = -1;
    void include(int row, int col) {
      row0 = row < row0 ? row : row0, row1 = row > row1 ? row : row1;
      col0 = col < col0 ? col : col0, col1 = col > col1 ? col : col1;
    }
    bool empty() const { return row1 < row0; }
    bool contains(int row, int col) const { return row >= row0 && row <= row1 && col >= col0 && col <= col1; }
  };
  std::size_t canvas_rows() const { return index_.size() / box_cols_; }
  std::size_t canvas_cols() const { return box_cols_; }
  std::size_t canvas_size() const { return index_.size(); }
  const std::vector<CanvasCell>& input_cells() const { return input_cells_; }

  // output[p] (mask_pixels values, overwritten) = the same-mode convolution
  // of the canvas at mask pixel p, computed along canvas rows so every tap is
  // one contiguous multiply-add over a run of mask pixels. A separable kernel
  // (numerically rank one: second singular value below 1e-12 of the first,
  // as a Gaussian PSF is) takes a row pass into `pass` then a column pass,
  // 2 x 21 instead of 21^2 taps for a 21 x 21 kernel; the rank-one kernel
  // differs from the given one by at most that second singular value, so the
  // outputs agree to ~1e-12 relative.
  //
  // What may be nonzero: `nonzero`, and within it `occupied`, one bitset of
  // canvas columns a canvas row (canvas_bits.hpp, canvas_bits_size() words):
  // the canvas is 0 wherever its bit is clear. `occupied` null: all of
  // `nonzero` may be (no bits to work out: what a dense image wants). Only the row pass within a
  // kernel half-width of a set bit, and only the outputs whose taps reach
  // one, are summed; each of those is summed over all its taps in the same
  // order as with every bit set, so the outputs are bit-identical to the
  // whole canvas's. `pass` is scratch of canvas_pass_size() values, `bits`
  // of convolve_bits_size() words.
  //
  // Returns the mask indices [first, last) outside which the output is 0
  // (first == last when all of it is), so that what reads the column next
  // can skip the zeros without scanning for them.
  struct OutputRange {
    std::size_t first = 0, last = 0;
  };
  template <class Real>
  OutputRange convolve_canvas(const Real* canvas, const CanvasRegion& nonzero, const std::uint64_t* occupied,
                              Real* output, std::span<Real> pass, std::span<std::uint64_t> bits) const;
  std::size_t canvas_bits_size() const;
  std::size_t convolve_bits_size() const;
  // Values the row pass needs in `pass`: 0 for a kernel that is not separable.
  std::size_t canvas_pass_size() const;

  // convolve() above, one column at a time through convolve_canvas: for a
  // separable kernel 2 x 21 taps per output instead of 21^2, and only near
  // each column's nonzero cells. Takes canvas_convolve_scratch_bytes() from
  // `scratch` (the canvas, its row pass, one output column, the bits).
  template <class Real>
  void convolve(const Real* input, std::size_t columns, bool with_blurring, Real* output,
                ScratchArena& scratch) const;
  template <class Real>
  std::size_t canvas_convolve_scratch_bytes() const;
  bool separable() const { return separable_; }

 private:
  std::size_t mask_pixels_, blurring_pixels_;
  int kernel_rows_, kernel_cols_;
  std::vector<double> flipped_kernel_;       // K[kr-1-a][kc-1-b] at (a, b)
  int box_row0_, box_col0_, box_cols_;       // bounding box of all input pixels
  std::vector<std::int32_t> index_;          // box pixel -> input index, -1 if none
  std::vector<std::int32_t> output_origin_;  // per mask pixel: box index of its top-left tap
  // Separable form: F[a][b] = flipped_y_[a] flipped_x_[b].
  bool separable_ = false;
  std::vector<double> flipped_y_, flipped_x_;
  // Canvas form: where each input pixel sits, and the mask as runs of
  // consecutive mask pixels along a canvas row.
  struct MaskRun {
    int row, col0, length;
    std::size_t first;  // mask index of the run's first pixel
  };
  std::vector<CanvasCell> input_cells_;
  std::vector<MaskRun> mask_runs_;
  // Tap offsets in each output's summation order (direct kernel on the
  // canvas, row pass, column pass on the pass buffer), and per canvas row the
  // columns [first, second] at which the column pass reads the row pass.
  std::vector<std::ptrdiff_t> direct_offsets_, row_pass_offsets_, column_pass_offsets_;
  std::vector<std::pair<int, int>> row_pass_spans_;
  int mask_col0_ = 0, mask_cols_ = 0;  // canvas columns of the mask's bounding box
  // Values a row of the pass buffer: mask_cols_ rounded up to 16, so that
  // every row starts on a 64-byte boundary when the buffer does (the scratch
  // arena's do; any other buffer gives the same values, loaded unaligned).
  int pass_stride_ = 0;
};

}  // namespace nslab
