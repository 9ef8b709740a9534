#pragma once
// The mapping matrix of a pixelized source and the products the two
// inversion formulations take of it.
//
// Each masked image pixel's traced point lands on up to four source pixels
// with interpolation weights (a PixelMapping row: PyAutoArray's
// pix_indexes / pix_weights for one sub-pixel). With over-sampling s_i per
// pixel, M[i, j] = sum_sub sum_k w_k [idx_k = j] / s_i^2: the weights of the
// pixel's s_i^2 sub-points, each carrying 1/s_i^2 of the pixel (PyAutoArray's
// sub_fraction) -- no noise or PSF in M. The pixelization grid of every cell
// has one point per masked pixel (s_i = 1), so a row of M is one PixelMapping.
#include <cstddef>
#include <cstdint>
#include <span>

#include "likelihoods/lens/pixelization/masked_psf_operator.hpp"

namespace nslab {

struct PixelMapping {
  std::int32_t index[4];  // source pixels, -1 in unused slots
  double weight[4];
};

// Writes M into columns [offset, offset + S) of the pixel-major matrix `out`
// (row i at out + i * stride), zeroing them first.
template <class Real>
void fill_mapping_matrix(std::span<const PixelMapping> rows, std::size_t source_pixels, Real* out,
                         std::size_t stride, std::size_t offset);

// B = P M, column by column: for each column j of the dense M (pixel-major,
// row stride source_pixels) every non-zero M[i, j] scatters through the
// kernel into column offset + j of `blurred` (pixel-major, row stride
// `stride`), which is zeroed first in those columns.
template <class Real>
void blur_mapping_matrix(const MaskedPsfOperator& psf, const Real* mapping,
                         std::size_t source_pixels, Real* blurred, std::size_t stride,
                         std::size_t offset);

// y = M^T x (S values) and u = M s (one value per pixel), from the rows.
void mapping_transpose_times(std::span<const PixelMapping> rows, std::span<const double> x,
                             std::span<double> y);
void mapping_times(std::span<const PixelMapping> rows, std::span<const double> s,
                   std::span<double> u);

}  // namespace nslab
