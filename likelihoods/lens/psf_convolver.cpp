#include "likelihoods/lens/psf_convolver.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <stdexcept>

namespace nslab {

namespace {

template <class Real>
struct Tap {
  const Real* row;
  Real weight;
};

// out[c0, c0 + Width) += sum_t taps[t].weight * taps[t].row[c0, c0 + Width),
// the Width columns held in registers across all the taps, with even and odd
// taps in two sums: one sum alone is bound by the add latency (each tap waits
// for the previous one's add), two keep twice as many adds in flight.
template <class Real, int Width>
void add_weighted_block(const Tap<Real>* taps, int count, std::size_t c0, Real* out) {
  using Block = Eigen::Matrix<Real, Width, 1>;
  Block even = Block::Zero(), odd = Block::Zero();
  int t = 0;
  for (; t + 1 < count; t += 2) {
    even += taps[t].weight * Eigen::Map<const Block>(taps[t].row + c0);
    odd += taps[t + 1].weight * Eigen::Map<const Block>(taps[t + 1].row + c0);
  }
  if (t < count) even += taps[t].weight * Eigen::Map<const Block>(taps[t].row + c0);
  Eigen::Map<Block>(out + c0) += even + odd;
}

// out[c] += sum_t taps[t].weight * taps[t].row[c] for c < columns: blocks of
// one cache line, then halves of it down to one column for the rest (20
// lens-light columns in double are 8 + 8 + 4).
template <class Real>
void add_weighted_rows(const Tap<Real>* taps, int count, std::size_t columns, Real* out) {
  constexpr int kLine = 64 / sizeof(Real);
  std::size_t c0 = 0;
  for (; c0 + kLine <= columns; c0 += kLine) add_weighted_block<Real, kLine>(taps, count, c0, out);
  if (c0 + kLine / 2 <= columns) add_weighted_block<Real, kLine / 2>(taps, count, c0, out), c0 += kLine / 2;
  if (c0 + kLine / 4 <= columns) add_weighted_block<Real, kLine / 4>(taps, count, c0, out), c0 += kLine / 4;
  for (; c0 < columns; ++c0) add_weighted_block<Real, 1>(taps, count, c0, out);
}

// out[c] = sum over taps of weight * row[c], where for_each_tap(add) calls
// add(row, weight) once per tap. Taps are gathered on the stack, 64 at a
// time, and summed by add_weighted_rows.
template <class Real, class ForEachTap>
void sum_of_taps(std::size_t columns, Real* out, ForEachTap&& for_each_tap) {
  constexpr int kGathered = 64;
  Tap<Real> taps[kGathered];
  int count = 0;
  std::fill(out, out + columns, Real(0));
  for_each_tap([&](const Real* row, Real weight) {
    taps[count++] = {row, weight};
    if (count == kGathered) add_weighted_rows(taps, count, columns, out), count = 0;
  });
  add_weighted_rows(taps, count, columns, out);
}

}  // namespace

PsfConvolver::PsfConvolver(const Image2D& kernel, const std::vector<MaskedPixel>& mask_pixels,
                           const std::vector<MaskedPixel>& blurring_pixels)
    : mask_pixels_(mask_pixels.size()), blurring_pixels_(blurring_pixels.size()),
      kernel_rows_(kernel.rows), kernel_cols_(kernel.cols) {
  if (kernel.rows % 2 == 0 || kernel.cols % 2 == 0)
    throw std::invalid_argument("PSF kernel sides must be odd");
  flipped_kernel_.resize(kernel.values.size());
  for (int a = 0; a < kernel.rows; ++a)
    for (int b = 0; b < kernel.cols; ++b)
      flipped_kernel_[static_cast<std::size_t>(a) * kernel.cols + b] =
          kernel.at(kernel.rows - 1 - a, kernel.cols - 1 - b);

  const int hr = kernel.rows / 2, hc = kernel.cols / 2;
  int row0 = 0, row1 = 0, col0 = 0, col1 = 0;
  bool first = true;
  auto extend = [&](const MaskedPixel& p, int pad_r, int pad_c) {
    if (first) {
      row0 = p.row - pad_r, row1 = p.row + pad_r, col0 = p.col - pad_c, col1 = p.col + pad_c;
      first = false;
    }
    row0 = std::min(row0, p.row - pad_r), row1 = std::max(row1, p.row + pad_r);
    col0 = std::min(col0, p.col - pad_c), col1 = std::max(col1, p.col + pad_c);
  };
  // The box covers every tap of every output pixel, so no tap needs a bounds check.
  for (const auto& p : mask_pixels) extend(p, hr, hc);
  for (const auto& p : blurring_pixels) extend(p, 0, 0);
  box_row0_ = row0, box_col0_ = col0, box_cols_ = col1 - col0 + 1;
  index_.assign(static_cast<std::size_t>(row1 - row0 + 1) * box_cols_, -1);
  auto box_index = [&](int row, int col) {
    return static_cast<std::size_t>(row - box_row0_) * box_cols_ + (col - box_col0_);
  };
  for (std::size_t i = 0; i < mask_pixels.size(); ++i)
    index_[box_index(mask_pixels[i].row, mask_pixels[i].col)] = static_cast<std::int32_t>(i);
  for (std::size_t i = 0; i < blurring_pixels.size(); ++i)
    index_[box_index(blurring_pixels[i].row, blurring_pixels[i].col)] =
        static_cast<std::int32_t>(mask_pixels.size() + i);
  int mask_row0 = row1, mask_row1 = row0, mask_col0 = col1, mask_col1 = col0;
  for (const auto& p : mask_pixels) {
    mask_row0 = std::min(mask_row0, p.row), mask_row1 = std::max(mask_row1, p.row);
    mask_col0 = std::min(mask_col0, p.col), mask_col1 = std::max(mask_col1, p.col);
  }
  pass_row0_ = mask_row0 - hr, pass_rows_ = mask_row1 - mask_row0 + 1 + 2 * hr;
  pass_col0_ = mask_col0, pass_cols_ = mask_col1 - mask_col0 + 1;
  Eigen::MatrixXd k(kernel.rows, kernel.cols);
  for (int a = 0; a < kernel.rows; ++a)
    for (int b = 0; b < kernel.cols; ++b) k(a, b) = kernel.at(a, b);
  Eigen::JacobiSVD<Eigen::MatrixXd> svd(k, Eigen::ComputeThinU | Eigen::ComputeThinV);
  const auto& sigma = svd.singularValues();
  separable_ = !mask_pixels.empty() && sigma.size() > 0 && sigma[0] > 0.0 &&
               (sigma.size() == 1 || sigma[1] <= 1e-12 * sigma[0]);
  if (separable_) {
    Eigen::VectorXd u = svd.matrixU().col(0) * std::sqrt(sigma[0]);
    Eigen::VectorXd v = svd.matrixV().col(0) * std::sqrt(sigma[0]);
    if (u.sum() < 0) u = -u, v = -v;
    for (int a = 0; a < kernel.rows; ++a) flipped_y_.push_back(u[kernel.rows - 1 - a]);
    for (int b = 0; b < kernel.cols; ++b) flipped_x_.push_back(v[kernel.cols - 1 - b]);
  }
  output_origin_.resize(mask_pixels.size());
  for (std::size_t i = 0; i < mask_pixels.size(); ++i)
    output_origin_[i] =
        static_cast<std::int32_t>(box_index(mask_pixels[i].row - hr, mask_pixels[i].col - hc));
}

template <class Real>
void PsfConvolver::convolve(const Real* input, std::size_t columns, bool with_blurring,
                            Real* output) const {
  const std::int32_t limit =
      static_cast<std::int32_t>(with_blurring ? mask_pixels_ + blurring_pixels_ : mask_pixels_);
  for (std::size_t p = 0; p < mask_pixels_; ++p) {
    sum_of_taps(columns, output + p * columns, [&](auto&& add) {
      for (int a = 0; a < kernel_rows_; ++a) {
        const std::int32_t* row_index = index_.data() + output_origin_[p] +
                                        static_cast<std::ptrdiff_t>(a) * box_cols_;
        const double* weights = flipped_kernel_.data() + static_cast<std::size_t>(a) * kernel_cols_;
        for (int b = 0; b < kernel_cols_; ++b) {
          const std::int32_t source = row_index[b];
          if (source < 0 || source >= limit) continue;
          add(input + static_cast<std::size_t>(source) * columns, static_cast<Real>(weights[b]));
        }
      }
    });
  }
}

template <class Real>
std::size_t PsfConvolver::scratch_bytes(std::size_t columns) const {
  if (!separable_) return 0;
  return aligned_array_bytes<Real>(static_cast<std::size_t>(pass_rows_) * pass_cols_ * columns);
}

template <class Real>
void PsfConvolver::convolve(const Real* input, std::size_t columns, bool with_blurring,
                            Real* output, ScratchArena& scratch) const {
  if (!separable_) return convolve(input, columns, with_blurring, output);
  const std::int32_t limit =
      static_cast<std::int32_t>(with_blurring ? mask_pixels_ + blurring_pixels_ : mask_pixels_);
  const int hr = kernel_rows_ / 2, hc = kernel_cols_ / 2;
  auto pass = scratch.take<Real>(static_cast<std::size_t>(pass_rows_) * pass_cols_ * columns);
  // Row pass: T(r, c) = sum_b fx[b] in(r, c + b - hc).
  for (int i = 0; i < pass_rows_; ++i) {
    for (int j = 0; j < pass_cols_; ++j) {
      Real* t = pass.data() + (static_cast<std::size_t>(i) * pass_cols_ + j) * columns;
      const std::int32_t* row_index =
          index_.data() + static_cast<std::size_t>(pass_row0_ + i - box_row0_) * box_cols_ +
          (pass_col0_ + j - hc - box_col0_);
      sum_of_taps(columns, t, [&](auto&& add) {
        for (int b = 0; b < kernel_cols_; ++b) {
          const std::int32_t source = row_index[b];
          if (source < 0 || source >= limit) continue;
          add(input + static_cast<std::size_t>(source) * columns, static_cast<Real>(flipped_x_[b]));
        }
      });
    }
  }
  // Column pass at the masked pixels: out(r, c) = sum_a fy[a] T(r + a - hr, c).
  for (std::size_t p = 0; p < mask_pixels_; ++p) {
    const std::int32_t origin = output_origin_[p];  // box index of (r - hr, c - hc)
    const int box_row = origin / box_cols_, box_col = origin % box_cols_;
    const int i0 = box_row0_ + box_row - pass_row0_, j = box_col0_ + box_col + hc - pass_col0_;
    sum_of_taps(columns, output + p * columns, [&](auto&& add) {
      for (int a = 0; a < kernel_rows_; ++a)
        add(pass.data() + (static_cast<std::size_t>(i0 + a) * pass_cols_ + j) * columns,
            static_cast<Real>(flipped_y_[a]));
    });
  }
}

template std::size_t PsfConvolver::scratch_bytes<double>(std::size_t) const;
template std::size_t PsfConvolver::scratch_bytes<float>(std::size_t) const;
template void PsfConvolver::convolve<double>(const double*, std::size_t, bool, double*,
                                             ScratchArena&) const;
template void PsfConvolver::convolve<float>(const float*, std::size_t, bool, float*,
                                            ScratchArena&) const;
template void PsfConvolver::convolve<double>(const double*, std::size_t, bool, double*) const;
template void PsfConvolver::convolve<float>(const float*, std::size_t, bool, float*) const;

}  // namespace nslab
