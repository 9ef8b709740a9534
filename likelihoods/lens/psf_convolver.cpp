#include "likelihoods/lens/psf_convolver.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <stdexcept>

#include "likelihoods/lens/canvas_bits.hpp"
#include "likelihoods/lens/vector_register.hpp"

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

// out[c] = sum_t weights[t] * base[offsets[t] + c] for c < width, each sum
// taken from 0 in tap order, exactly as one scalar loop per output would:
// the value at an output never depends on where its run starts or how long
// it is, which is what keeps a clipped region's outputs bit-identical to the
// whole canvas's. The outputs are register-blocked (vectorised across output
// pixels, not across taps): a block of them stays in registers over all the
// taps, one load and one multiply-add per tap and register, one store at the
// end. Adding a whole segment per tap instead (out += w * segment) stored and
// reloaded every output once per tap, which bound the blurring by the loads
// and stores rather than the multiply-adds.
template <class Real, int Lanes>
void tap_block(const Real* base, const std::ptrdiff_t* offsets, const double* weights, int taps,
               Real* out) {
  using Block = Eigen::Array<Real, Lanes, 1>;
  Block sum = Block::Zero();
  for (int t = 0; t < taps; ++t)
    sum += static_cast<Real>(weights[t]) * Eigen::Map<const Block>(base + offsets[t]);
  Eigen::Map<Block>{out} = sum;
}

// Each output's value depends only on its own taps and their order, not on
// the block it falls in, so a run's last outputs are summed as one more
// register-wide block that ends at the run's end and overlaps the block
// before it (the overlapped outputs are written again with the same bits);
// only a run narrower than one register takes the scalar loop. Four
// registers per block keep four independent add chains in flight, which is
// what the adds' latency needs to reach their throughput.
//
// `head` > 0: the taps of output `head` onwards start on register
// boundaries (the column pass, down rows of the pass buffer that start on
// one). A first register-wide block at 0 overlaps the next, and the blocks
// from `head` on load whole registers, not two cache lines' parts of them:
// a quarter less time for the column pass (measured, 17 taps, AVX-512).
template <class Real>
void sum_taps_along(const Real* base, const std::ptrdiff_t* offsets, const double* weights, int taps,
                    int width, Real* out, int head = 0) {
  constexpr int kLanes = kRegisterLanes<Real>;  // with AVX-512 a block is 32 doubles, with AVX2 16
  int c = 0;
  if (head > 0 && width >= head + kLanes) {
    tap_block<Real, kLanes>(base, offsets, weights, taps, out);
    c = head;
  }
  for (; c + 4 * kLanes <= width; c += 4 * kLanes) tap_block<Real, 4 * kLanes>(base + c, offsets, weights, taps, out + c);
  for (; c + kLanes <= width; c += kLanes) tap_block<Real, kLanes>(base + c, offsets, weights, taps, out + c);
  if (c == width) return;
  if (width >= kLanes) {
    tap_block<Real, kLanes>(base + width - kLanes, offsets, weights, taps, out + width - kLanes);
    return;
  }
  for (; c < width; ++c) tap_block<Real, 1>(base + c, offsets, weights, taps, out + c);
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
  int mask_col0 = col1, mask_col1 = col0;
  for (const auto& p : mask_pixels)
    mask_col0 = std::min(mask_col0, p.col), mask_col1 = std::max(mask_col1, p.col);
  mask_col0_ = mask_col0 - box_col0_, mask_cols_ = mask_col1 - mask_col0 + 1;
  pass_stride_ = (mask_cols_ + 15) / 16 * 16;
  auto add_cell = [&](const MaskedPixel& p) {
    input_cells_.push_back({static_cast<std::int32_t>(box_index(p.row, p.col)), p.row - box_row0_,
                            p.col - box_col0_});
  };
  for (std::size_t i = 0; i < mask_pixels.size(); ++i) {
    const MaskedPixel& p = mask_pixels[i];
    add_cell(p);
    MaskRun* last = mask_runs_.empty() ? nullptr : &mask_runs_.back();
    if (last && last->row == p.row - box_row0_ && last->col0 + last->length == p.col - box_col0_)
      ++last->length;
    else
      mask_runs_.push_back({p.row - box_row0_, p.col - box_col0_, 1, i});
  }
  for (const auto& p : blurring_pixels) add_cell(p);
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
  // Tap offsets, in the order each output sums its taps: the direct kernel
  // along canvas rows (a-major), the row pass along one canvas row, the
  // column pass down the pass buffer.
  for (int a = 0; a < kernel.rows; ++a)
    for (int b = 0; b < kernel.cols; ++b) direct_offsets_.push_back(static_cast<std::ptrdiff_t>(a) * box_cols_ + b);
  for (int b = 0; b < kernel.cols; ++b) row_pass_offsets_.push_back(b);
  for (int a = 0; a < kernel.rows; ++a) column_pass_offsets_.push_back(static_cast<std::ptrdiff_t>(a) * pass_stride_);
  // The row pass is read only at the columns of mask runs within a kernel
  // half-height of its row: per canvas row, the span of those columns.
  const int canvas_rows = static_cast<int>(index_.size() / box_cols_);
  row_pass_spans_.assign(canvas_rows, {1 << 30, -1});
  for (const MaskRun& run : mask_runs_)
    for (int i = std::max(0, run.row - hr); i <= std::min(canvas_rows - 1, run.row + hr); ++i) {
      row_pass_spans_[i].first = std::min(row_pass_spans_[i].first, run.col0);
      row_pass_spans_[i].second = std::max(row_pass_spans_[i].second, run.col0 + run.length - 1);
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

std::size_t PsfConvolver::canvas_pass_size() const {
  return separable_ ? canvas_rows() * static_cast<std::size_t>(pass_stride_) : 0;
}

std::size_t PsfConvolver::canvas_bits_size() const { return canvas_rows() * canvas_bit_words(box_cols_); }

std::size_t PsfConvolver::convolve_bits_size() const { return 3 * canvas_bits_size() + canvas_bit_words(box_cols_); }

template <class Real>
PsfConvolver::OutputRange PsfConvolver::convolve_canvas(const Real* canvas, const CanvasRegion& nonzero,
                                                        const std::uint64_t* occupied, Real* output,
                                                        std::span<Real> pass_buffer,
                                                        std::span<std::uint64_t> bits) const {
  const int hr = kernel_rows_ / 2, hc = kernel_cols_ / 2;
  // Outputs more than a kernel half-width from the nonzero region stay 0.
  const int col_lo = std::max(mask_col0_, nonzero.col0 - hc);
  const int col_hi = std::min(mask_col0_ + mask_cols_ - 1, nonzero.col1 + hc);
  if (nonzero.empty() || col_lo > col_hi) {
    std::fill(output, output + mask_pixels_, Real(0));
    return {};
  }
  // Without bits, all of the region may be nonzero: one run a row, and no bits to work out.
  const bool whole_region = occupied == nullptr;
  if (!whole_region && bits.size() < convolve_bits_size())
    throw std::invalid_argument("PsfConvolver: the bit scratch is too small");
  if (separable_ && pass_buffer.size() < canvas_pass_size())
    throw std::invalid_argument("PsfConvolver: the row-pass buffer is too small");
  // reach: per canvas row, the columns within a kernel half-width of an
  // occupied cell of that row (where the row pass may be nonzero). below:
  // per canvas row t, the union of reach over rows [t, t + kernel rows),
  // which are the rows an output at row t + hr reads (where it may be
  // nonzero). read: the same over twice the kernel's rows less one, so that
  // row i of it less one kernel height holds every column at which the
  // column pass reads row i of the row pass.
  const int words = canvas_bit_words(box_cols_);
  std::uint64_t* reach = bits.data();
  std::uint64_t* below = reach + canvas_bits_size();
  std::uint64_t* read = below + canvas_bits_size();
  std::uint64_t* zeros_only = read + canvas_bits_size();  // one row
  const int base = std::max(0, nonzero.row0 - (kernel_rows_ - 1));  // the first row t that reaches row0
  auto row_bits = [words](std::uint64_t* b, int row) { return b + static_cast<std::size_t>(row) * words; };
  // f(first, last) for each run of a row's bits within [lo, hi].
  auto for_each_run = [whole_region](const std::uint64_t* row, int lo, int hi, auto&& f) {
    if (!whole_region) for_each_canvas_run(row, lo, hi, f);
    else if (lo <= hi) f(lo, hi);
  };
  if (!whole_region) {
    std::fill(row_bits(reach, base), row_bits(reach, nonzero.row1 + 1), std::uint64_t{0});
    for (int i = nonzero.row0; i <= nonzero.row1; ++i)
      dilate_canvas_row(occupied + static_cast<std::size_t>(i) * words, words, hc, row_bits(reach, i));
    std::copy(row_bits(reach, base), row_bits(reach, nonzero.row1 + 1), row_bits(below, base));
    union_of_following_rows(row_bits(below, base), nonzero.row1 - base + 1, words, kernel_rows_);
  }

  OutputRange written{mask_pixels_, 0};
  // Each run of mask pixels clipped to [col_lo, col_hi], with the kernel rows
  // a in [a0, a1] that reach the nonzero rows, and within it each run of
  // `below`'s columns: body(out, width, top, lo, a0, a1) for each. The mask
  // runs cover every output once; what the body does not write is zeroed
  // here, so the output is written once, not cleared first.
  auto for_each_clipped_run = [&](auto&& body) {
    for (const MaskRun& run : mask_runs_) {
      Real* out = output + run.first;
      const int top = run.row - hr;
      const int a0 = std::max(0, nonzero.row0 - top), a1 = std::min(kernel_rows_ - 1, nonzero.row1 - top);
      const int lo = std::max(run.col0, col_lo), hi = std::min(run.col0 + run.length - 1, col_hi);
      int next = run.col0;  // the first column not yet written
      if (a0 <= a1 && lo <= hi)
        for_each_run(whole_region ? nullptr : row_bits(below, top), lo, hi, [&](int first, int last) {
          std::fill(out + (next - run.col0), out + (first - run.col0), Real(0));
          body(out + (first - run.col0), last - first + 1, top, first, a0, a1);
          written.first = std::min(written.first, run.first + (first - run.col0));
          written.last = run.first + (last - run.col0) + 1;
          next = last + 1;
        });
      std::fill(out + (next - run.col0), out + run.length, Real(0));
    }
    if (written.first >= written.last) written = {};
  };
  if (!separable_) {
    for_each_clipped_run([&](Real* out, int width, int top, int lo, int a0, int a1) {
      const std::size_t first = static_cast<std::size_t>(a0) * kernel_cols_;
      sum_taps_along(canvas + static_cast<std::size_t>(top) * box_cols_ + (lo - hc), direct_offsets_.data() + first,
                     flipped_kernel_.data() + first, (a1 - a0 + 1) * kernel_cols_, width, out);
    });
    return written;
  }
  // Row pass on the nonzero rows: T(i, c) = sum_b fx[b] canvas(i, c + b - hc),
  // T kept on the mask's columns, only where the column pass reads it: summed
  // on the row's reach, and 0 (what the sum would be) where the column pass
  // reads it off the reach. No other value of the buffer is read.
  // Rows [t, t + 2 kr - 1) are rows [t, t + kr) and [t + kr - 1, t + 2 kr - 1).
  if (!whole_region) {
    std::copy(row_bits(below, base), row_bits(below, nonzero.row1 + 1), row_bits(read, base));
    join_rows(row_bits(read, base), nonzero.row1 - base + 1, words, kernel_rows_ - 1);
  }
  Real* pass = pass_buffer.data();
  for (int i = nonzero.row0; i <= nonzero.row1; ++i) {
    const int lo = std::max(col_lo, row_pass_spans_[i].first), hi = std::min(col_hi, row_pass_spans_[i].second);
    if (lo > hi) continue;
    Real* row = pass + static_cast<std::size_t>(i) * pass_stride_ - mask_col0_;  // row[c] is T(i, c)
    const std::uint64_t* on_reach = whole_region ? nullptr : row_bits(reach, i);
    for_each_run(on_reach, lo, hi, [&](int first, int last) {
      sum_taps_along(canvas + static_cast<std::size_t>(i) * box_cols_ + (first - hc), row_pass_offsets_.data(),
                     flipped_x_.data(), kernel_cols_, last - first + 1, row + first);
    });
    if (whole_region) continue;
    const std::uint64_t* read_row = row_bits(read, std::max(base, i - (kernel_rows_ - 1)));
    for (int w = 0; w < words; ++w) zeros_only[w] = read_row[w] & ~on_reach[w];
    for_each_canvas_run(zeros_only, lo, hi, [&](int first, int last) { std::fill(row + first, row + last + 1, Real(0)); });
  }
  // Column pass: out(r, c) = sum_a fy[a] T(r + a - hr, c), over the rows of T
  // that the row pass wrote (the others are 0).
  constexpr int kLanes = kRegisterLanes<Real>;
  for_each_clipped_run([&](Real* out, int width, int top, int lo, int a0, int a1) {
    sum_taps_along(pass + static_cast<std::size_t>(top + a0) * pass_stride_ + (lo - mask_col0_),
                   column_pass_offsets_.data(), flipped_y_.data() + a0, a1 - a0 + 1, width, out,
                   (kLanes - (lo - mask_col0_) % kLanes) % kLanes);
  });
  return written;
}

template <class Real>
std::size_t PsfConvolver::canvas_convolve_scratch_bytes() const {
  return aligned_array_bytes<Real>(canvas_size()) + aligned_array_bytes<Real>(canvas_pass_size()) +
         aligned_array_bytes<Real>(mask_pixels_) + aligned_array_bytes<std::uint64_t>(canvas_bits_size()) +
         aligned_array_bytes<std::uint64_t>(convolve_bits_size());
}

template <class Real>
void PsfConvolver::convolve(const Real* input, std::size_t columns, bool with_blurring,
                            Real* output, ScratchArena& scratch) const {
  auto canvas = scratch.take<Real>(canvas_size());
  auto pass = scratch.take<Real>(canvas_pass_size());
  auto column = scratch.take<Real>(mask_pixels_);
  auto occupied = scratch.take<std::uint64_t>(canvas_bits_size());
  auto bits = scratch.take<std::uint64_t>(convolve_bits_size());
  std::fill(canvas.begin(), canvas.end(), Real(0));
  std::fill(occupied.begin(), occupied.end(), std::uint64_t{0});
  const std::size_t inputs = with_blurring ? mask_pixels_ + blurring_pixels_ : mask_pixels_;
  const std::size_t words = canvas_bit_words(box_cols_);
  for (std::size_t j = 0; j < columns; ++j) {
    // The canvas and its nonzero cells, one bit each (a mapping-matrix
    // column is a few source pixels' scattered image pixels).
    CanvasRegion nonzero;
    for (std::size_t i = 0; i < inputs; ++i) {
      const Real value = input[i * columns + j];
      const CanvasCell& cell = input_cells_[i];
      canvas[cell.index] = value;
      if (value != Real(0)) {
        nonzero.include(cell.row, cell.col);
        set_canvas_bits(occupied.data() + cell.row * words, cell.col, cell.col);
      }
    }
    convolve_canvas<Real>(canvas.data(), nonzero, occupied.data(), column.data(), pass, bits);
    for (std::size_t p = 0; p < mask_pixels_; ++p) output[p * columns + j] = column[p];
    if (!nonzero.empty())
      std::fill(occupied.begin() + nonzero.row0 * words, occupied.begin() + (nonzero.row1 + 1) * words,
                std::uint64_t{0});
  }
  for (std::size_t i = 0; i < inputs; ++i) canvas[input_cells_[i].index] = Real(0);
}

template std::size_t PsfConvolver::canvas_convolve_scratch_bytes<double>() const;
template std::size_t PsfConvolver::canvas_convolve_scratch_bytes<float>() const;
template void PsfConvolver::convolve<double>(const double*, std::size_t, bool, double*,
                                             ScratchArena&) const;
template void PsfConvolver::convolve<float>(const float*, std::size_t, bool, float*,
                                            ScratchArena&) const;
template PsfConvolver::OutputRange PsfConvolver::convolve_canvas<double>(
    const double*, const CanvasRegion&, const std::uint64_t*, double*, std::span<double>,
    std::span<std::uint64_t>) const;
template PsfConvolver::OutputRange PsfConvolver::convolve_canvas<float>(
    const float*, const CanvasRegion&, const std::uint64_t*, float*, std::span<float>,
    std::span<std::uint64_t>) const;
template void PsfConvolver::convolve<double>(const double*, std::size_t, bool, double*) const;
template void PsfConvolver::convolve<float>(const float*, std::size_t, bool, float*) const;

}  // namespace nslab
