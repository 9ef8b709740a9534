#pragma once
// The sparse ("w-tilde") formulation of a pixelized source's normal
// equations: W = P^T N^-1 P, precomputed once per dataset (P the masked PSF
// operator, N the noise variances), so that per evaluation
//   F = M^T W M   and   D = M^T z,  z = P^T (d / sigma^2),
// without ever forming the blurred mapping matrix B = P M.
//
// W[i, j] is non-zero only for |r_i - r_j| <= 2 hr and |c_i - c_j| <= 2 hc
// (two kernel half-sides), and symmetric, so it is stored per masked pixel
// for the "forward" half of that window: offsets (0, 0..2hc) and
// (1..2hr, -2hc..2hc). For the HST PSF's 17 x 17 core (psf_kernel.hpp; 21 x
// 21 as stored) that is 545 values per pixel (67 MB for the 15,361 HST
// pixels; 841 and 103 MB with the whole kernel), the fixed overhead of this
// path.
//
// F is accumulated source pixel by source pixel (w_tilde.cpp): Z_a, the sum
// of the stored windows of a's image pixels weighted by M, is laid out on
// the padded canvas with contiguous multiply-adds, then H[a, :] = Z_a M,
// and F = H + H^T at the end.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/tracked_buffer.hpp"
#include "core/workspace.hpp"
#include "likelihoods/lens/pixelization/mapping_matrix.hpp"
#include "likelihoods/lens/pixelization/masked_psf_operator.hpp"

namespace nslab {

class WTildeOperator {
 public:
  // Computes W (on the default thread pool) and z for the masked data.
  WTildeOperator(const MaskedPsfOperator& psf, std::span<const double> data,
                 std::span<const double> noise_map);

  std::size_t window_values() const { return half_window_; }
  // W's forward half, pixels x window_values(): entry o of pixel i is W[i, i + offset o],
  // offsets (0, 0..2hc) then (dr, -2hc..2hc) for dr = 1..2hr.
  std::span<const double> values() const { return values_.span(); }
  // W[i, j] for masked pixels i, j (0 outside the window); for tests.
  double value(std::size_t i, std::size_t j) const;
  // z = P^T (d / sigma^2), one value per masked pixel.
  std::span<const double> weighted_data() const { return weighted_data_.span(); }
  // Bytes kept for the run (W and z).
  std::size_t bytes() const { return values_.bytes() + weighted_data_.bytes(); }

  // Writes F = M^T W M into the S x S block at `block` of a column-major
  // matrix with leading dimension `leading`.
  void curvature(std::span<const PixelMapping> rows, std::size_t source_pixels, double* block,
                 std::size_t leading, ScratchArena& scratch) const;
  std::size_t curvature_scratch_bytes(std::size_t source_pixels) const;

 private:
  struct Offset {
    int dr, dc;
    std::uint32_t half_index;
    bool forward;  // W[i, i + o] is stored at i; else at i + o (as W[j, j - o])
  };
  int half_index(int dr, int dc) const;  // -1 unless (dr, dc) is in the forward half
  struct SourceEntry {  // one non-zero of M, by source pixel
    std::uint32_t pixel;
    double weight;
  };

  const MaskedPsfOperator& psf_;
  int reach_rows_, reach_cols_;
  std::size_t half_window_;
  std::vector<Offset> window_;  // the full window, for value()
  struct MaskRun {  // masked pixels first .. first + col1 - col0 on a canvas row
    int row, col0, col1;
    std::uint32_t first;
  };
  std::vector<MaskRun> mask_runs_;          // by canvas row, then column
  std::vector<std::uint32_t> run_begin_;    // canvas row -> its first run
  TrackedBuffer<double> values_;         // pixels x half_window_
  TrackedBuffer<double> weighted_data_;  // z
};

}  // namespace nslab
