#include "likelihoods/lens/pixelization/mapping_matrix.hpp"

#include <algorithm>

namespace nslab {

template <class Real>
void fill_mapping_matrix(std::span<const PixelMapping> rows, std::size_t source_pixels, Real* out,
                         std::size_t stride, std::size_t offset) {
  for (std::size_t i = 0; i < rows.size(); ++i) {
    Real* row = out + i * stride + offset;
    std::fill(row, row + source_pixels, Real(0));
    // Accumulated in double: an index can repeat (e.g. PyAutoArray's clipped
    // rectangular corner), and the sum, not the last write, is M[i, j].
    for (int k = 0; k < 4; ++k) {
      const std::int32_t j = rows[i].index[k];
      if (j >= 0) row[j] = static_cast<Real>(static_cast<double>(row[j]) + rows[i].weight[k]);
    }
  }
}

template <class Real>
void blur_mapping_matrix(const MaskedPsfOperator& psf, const Real* mapping,
                         std::size_t source_pixels, Real* blurred, std::size_t stride,
                         std::size_t offset) {
  const std::size_t n = psf.pixels();
  for (std::size_t k = 0; k < n; ++k)
    std::fill(blurred + k * stride + offset, blurred + k * stride + offset + source_pixels, Real(0));
  for (std::size_t i = 0; i < n; ++i) {
    const Real* row = mapping + i * source_pixels;
    for (std::size_t j = 0; j < source_pixels; ++j)
      if (row[j] != Real(0)) psf.scatter(i, static_cast<double>(row[j]), blurred, stride, offset + j);
  }
}

void mapping_transpose_times(std::span<const PixelMapping> rows, std::span<const double> x,
                             std::span<double> y) {
  std::fill(y.begin(), y.end(), 0.0);
  for (std::size_t i = 0; i < rows.size(); ++i)
    for (int k = 0; k < 4; ++k)
      if (rows[i].index[k] >= 0) y[rows[i].index[k]] += rows[i].weight[k] * x[i];
}

void mapping_times(std::span<const PixelMapping> rows, std::span<const double> s,
                   std::span<double> u) {
  for (std::size_t i = 0; i < rows.size(); ++i) {
    double sum = 0.0;
    for (int k = 0; k < 4; ++k)
      if (rows[i].index[k] >= 0) sum += rows[i].weight[k] * s[rows[i].index[k]];
    u[i] = sum;
  }
}

template void fill_mapping_matrix<double>(std::span<const PixelMapping>, std::size_t, double*,
                                          std::size_t, std::size_t);
template void fill_mapping_matrix<float>(std::span<const PixelMapping>, std::size_t, float*,
                                         std::size_t, std::size_t);
template void blur_mapping_matrix<double>(const MaskedPsfOperator&, const double*, std::size_t,
                                          double*, std::size_t, std::size_t);
template void blur_mapping_matrix<float>(const MaskedPsfOperator&, const float*, std::size_t,
                                         float*, std::size_t, std::size_t);

}  // namespace nslab
