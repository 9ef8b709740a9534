#include "likelihoods/lens/pixelization/masked_psf_operator.hpp"

#include <algorithm>
#include <stdexcept>

namespace nslab {

Image2D turned_half_way(const Image2D& kernel) {
  Image2D turned(kernel.rows, kernel.cols);
  for (int a = 0; a < kernel.rows; ++a)
    for (int b = 0; b < kernel.cols; ++b) turned.at(a, b) = kernel.at(kernel.rows - 1 - a, kernel.cols - 1 - b);
  return turned;
}

MaskedPsfOperator::MaskedPsfOperator(const Image2D& kernel, const CircularMask& mask)
    : kernel_rows_(kernel.rows), kernel_cols_(kernel.cols), kernel_(kernel.values),
      transposed_(turned_half_way(kernel), mask.pixels, {}) {
  if (kernel.rows % 2 == 0 || kernel.cols % 2 == 0)
    throw std::invalid_argument("PSF kernel sides must be odd");
  const int pad_r = reach_rows(), pad_c = reach_cols();
  canvas_cols_ = mask.grid_size + 2 * pad_c;
  const int canvas_rows = mask.grid_size + 2 * pad_r;
  slim_.assign(static_cast<std::size_t>(canvas_rows) * canvas_cols_, -1);
  for (std::size_t i = 0; i < mask.pixels.size(); ++i) {
    const auto& p = mask.pixels[i];
    rows_.push_back(p.row);
    cols_.push_back(p.col);
    const std::ptrdiff_t at = static_cast<std::ptrdiff_t>(p.row + pad_r) * canvas_cols_ + (p.col + pad_c);
    origin_.push_back(at);
    slim_[at] = static_cast<std::int32_t>(i);
  }
}

void MaskedPsfOperator::apply_transpose(const double* in, std::size_t columns, double* out) const {
  transposed_.convolve(in, columns, false, out);
}

void MaskedPsfOperator::apply_transpose(const double* in, std::size_t columns, double* out,
                                        ScratchArena& scratch) const {
  transposed_.convolve(in, columns, false, out, scratch);
}

void MaskedPsfOperator::apply(const double* in, double* out) const {
  const int hr = kernel_rows_ / 2, hc = kernel_cols_ / 2;
  for (std::size_t k = 0; k < pixels(); ++k) {
    double sum = 0.0;
    for (int dr = -hr; dr <= hr; ++dr)
      for (int dc = -hc; dc <= hc; ++dc) {
        const std::int32_t i = neighbor(k, -dr, -dc);
        if (i >= 0) sum += kernel(hr + dr, hc + dc) * in[i];
      }
    out[k] = sum;
  }
}

template <class Real>
void MaskedPsfOperator::scatter(std::size_t i, double value, Real* out, std::size_t stride,
                                std::size_t column) const {
  const int hr = kernel_rows_ / 2, hc = kernel_cols_ / 2;
  for (int dr = -hr; dr <= hr; ++dr)
    for (int dc = -hc; dc <= hc; ++dc) {
      const std::int32_t k = neighbor(i, dr, dc);
      if (k < 0) continue;
      out[static_cast<std::size_t>(k) * stride + column] +=
          static_cast<Real>(kernel(hr + dr, hc + dc) * value);
    }
}

template void MaskedPsfOperator::scatter<double>(std::size_t, double, double*, std::size_t,
                                                 std::size_t) const;
template void MaskedPsfOperator::scatter<float>(std::size_t, double, float*, std::size_t,
                                                std::size_t) const;

}  // namespace nslab
