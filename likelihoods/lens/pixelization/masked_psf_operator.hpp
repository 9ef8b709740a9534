#pragma once
// The PSF as an operator P on images that live on the masked pixels only
// (pixelized sources are blurred without a blurring region, docs/lens-likelihoods.md):
//   (P u)_k = sum_i K[hr + r_k - r_i][hc + c_k - c_i] u_i,   k, i masked,
// the same "same"-mode convolution as PsfConvolver (so P u equals
// PsfConvolver::convolve(u, with_blurring = false)). This class adds what the
// pixelized inversion needs beyond it: P^T, and P applied to sparse columns
// (the mapping matrix) by scattering each non-zero through the kernel.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "likelihoods/grid/circular_mask.hpp"
#include "likelihoods/lens/fits_image.hpp"
#include "likelihoods/lens/psf_convolver.hpp"

namespace nslab {

// K[r - 1 - a][c - 1 - b] at (a, b): P^T is the convolution with this kernel.
Image2D turned_half_way(const Image2D& kernel);

class MaskedPsfOperator {
 public:
  MaskedPsfOperator(const Image2D& kernel, const CircularMask& mask);

  std::size_t pixels() const { return rows_.size(); }
  int kernel_rows() const { return kernel_rows_; }
  int kernel_cols() const { return kernel_cols_; }
  const double& kernel(int a, int b) const { return kernel_[static_cast<std::size_t>(a) * kernel_cols_ + b]; }
  // The masked pixel at offset (dr, dc) from masked pixel i, or -1.
  std::int32_t neighbor(std::size_t i, int dr, int dc) const {
    return slim_[origin_[i] + static_cast<std::ptrdiff_t>(dr) * canvas_cols_ + dc];
  }
  // Row dr of the neighbourhood of pixel i: element [dc] is neighbor(i, dr, dc).
  const std::int32_t* neighbor_row(std::size_t i, int dr) const {
    return slim_.data() + origin_[i] + static_cast<std::ptrdiff_t>(dr) * canvas_cols_;
  }
  // The padded canvas the neighbourhoods index, row-major: every offset
  // neighbor() accepts stays on it. canvas_index(i) is masked pixel i's cell.
  std::size_t canvas_cols() const { return static_cast<std::size_t>(canvas_cols_); }
  std::size_t canvas_rows() const { return slim_.size() / static_cast<std::size_t>(canvas_cols_); }
  std::ptrdiff_t canvas_index(std::size_t i) const { return origin_[i]; }
  // Largest |dr|, |dc| neighbor() accepts: twice the kernel half-sides (the
  // reach of P^T P).
  int reach_rows() const { return 2 * (kernel_rows_ / 2); }
  int reach_cols() const { return 2 * (kernel_cols_ / 2); }
  // The tables neighbor() reads, for the device likelihoods: neighbor(i, dr,
  // dc) = canvas()[origin()[i] + dr * canvas_cols() + dc].
  std::span<const std::int32_t> canvas() const { return slim_; }
  std::span<const std::ptrdiff_t> origin() const { return origin_; }
  // P^T as a convolver: the turned kernel on the masked pixels alone.
  const PsfConvolver& transposed() const { return transposed_; }

  // out = P^T in, for `columns` images stored pixel-major (in[i * columns + j]):
  // the same-mode convolution with the kernel turned by 180 degrees, on
  // PsfConvolver's register-blocked loop.
  void apply_transpose(const double* in, std::size_t columns, double* out) const;
  // The same one column at a time on PsfConvolver's canvas (two 1-D passes
  // for a separable kernel), taking transpose_scratch_bytes() from scratch.
  void apply_transpose(const double* in, std::size_t columns, double* out, ScratchArena& scratch) const;
  std::size_t transpose_scratch_bytes() const { return transposed_.canvas_convolve_scratch_bytes<double>(); }
  // out = P in for one image.
  void apply(const double* in, double* out) const;
  // Adds value * (column of P for pixel i) to column `column` of the
  // pixel-major matrix out (row stride `stride`): out[k * stride + column] += K(k - i) value.
  template <class Real>
  void scatter(std::size_t i, double value, Real* out, std::size_t stride, std::size_t column) const;

 private:
  std::vector<int> rows_, cols_;
  int kernel_rows_, kernel_cols_;
  std::vector<double> kernel_;        // K, row-major, as read
  int canvas_cols_;                   // padded canvas the offsets index
  std::vector<std::int32_t> slim_;    // padded canvas -> masked index, -1 elsewhere
  std::vector<std::ptrdiff_t> origin_;  // masked index -> padded canvas index
  PsfConvolver transposed_;           // P^T: the turned kernel on the masked pixels only
};

}  // namespace nslab
