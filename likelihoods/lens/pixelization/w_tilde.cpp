#include "likelihoods/lens/pixelization/w_tilde.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "core/thread_pool.hpp"

namespace nslab {

int WTildeOperator::half_index(int dr, int dc) const {
  if (dr < 0 || dr > reach_rows_ || dc < -reach_cols_ || dc > reach_cols_) return -1;
  if (dr == 0) return dc >= 0 ? dc : -1;
  return (reach_cols_ + 1) + (dr - 1) * (2 * reach_cols_ + 1) + (dc + reach_cols_);
}

WTildeOperator::WTildeOperator(const MaskedPsfOperator& psf, std::span<const double> data,
                               std::span<const double> noise_map)
    : psf_(psf), reach_rows_(psf.reach_rows()), reach_cols_(psf.reach_cols()) {
  const std::size_t n = psf.pixels();
  if (data.size() != n || noise_map.size() != n)
    throw std::invalid_argument("WTildeOperator: data and noise map must cover the masked pixels");
  half_window_ = static_cast<std::size_t>(reach_cols_ + 1) +
                 static_cast<std::size_t>(reach_rows_) * (2 * reach_cols_ + 1);
  for (int dr = -reach_rows_; dr <= reach_rows_; ++dr)
    for (int dc = -reach_cols_; dc <= reach_cols_; ++dc) {
      const int forward = half_index(dr, dc);
      window_.push_back(forward >= 0
                            ? Offset{dr, dc, static_cast<std::uint32_t>(forward), true}
                            : Offset{dr, dc, static_cast<std::uint32_t>(half_index(-dr, -dc)), false});
    }

  values_ = TrackedBuffer<double>(n * half_window_);
  weighted_data_ = TrackedBuffer<double>(n);
  std::vector<double> inverse_variance(n), weighted(n);
  for (std::size_t k = 0; k < n; ++k) {
    inverse_variance[k] = 1.0 / (noise_map[k] * noise_map[k]);
    weighted[k] = data[k] * inverse_variance[k];
  }
  psf.apply_transpose(weighted.data(), 1, weighted_data_.data());

  // W[i, i + o] = sum_k P[k, i] P[k, i + o] / sigma_k^2 over masked k, with
  // P[k, i] = K[hr + r_k - r_i][hc + c_k - c_i]: k = i + u, i + o = k - v,
  // so o = u - v. Only forward offsets are stored: v_r <= u_r, and on
  // v_r == u_r, v_c <= u_c; the loops visit exactly those (v, no branches).
  const int hr = psf.kernel_rows() / 2, hc = psf.kernel_cols() / 2;
  const int rc = reach_cols_;
  constexpr std::size_t kChunk = 64;
  default_thread_pool().parallel_for((n + kChunk - 1) / kChunk, [&](std::size_t chunk) {
    for (std::size_t i = chunk * kChunk; i < std::min(n, (chunk + 1) * kChunk); ++i) {
      double* w = values_.data() + i * half_window_;
      std::fill(w, w + half_window_, 0.0);
      for (int ur = -hr; ur <= hr; ++ur)
        for (int uc = -hc; uc <= hc; ++uc) {
          const std::int32_t k = psf.neighbor(i, ur, uc);
          if (k < 0) continue;
          const double a = psf.kernel(hr + ur, hc + uc) * inverse_variance[k];
          for (int vr = -hr; vr <= ur; ++vr) {
            const int dr = ur - vr;
            const double* kernel_row = &psf.kernel(hr + vr, 0) + hc;  // K[hr + vr][hc + vc] at [vc]
            if (dr == 0) {
              // index = dc = uc - vc for vc in [-hc, uc]
              for (int vc = -hc; vc <= uc; ++vc) w[uc - vc] += a * kernel_row[vc];
            } else {
              double* base = w + (rc + 1) + static_cast<std::ptrdiff_t>(dr - 1) * (2 * rc + 1) + rc + uc;
              for (int vc = -hc; vc <= hc; ++vc) base[-vc] += a * kernel_row[vc];
            }
          }
        }
    }
  });
  // Each canvas row's masked pixels as runs of consecutive masked indices.
  run_begin_.assign(psf.canvas_rows() + 1, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const std::ptrdiff_t cell = psf.canvas_index(i), cols = static_cast<std::ptrdiff_t>(psf.canvas_cols());
    const int row = static_cast<int>(cell / cols), col = static_cast<int>(cell % cols);
    if (!mask_runs_.empty() && mask_runs_.back().row == row && mask_runs_.back().col1 == col - 1)
      ++mask_runs_.back().col1;
    else
      mask_runs_.push_back({row, col, col, static_cast<std::uint32_t>(i)});
  }
  for (const MaskRun& run : mask_runs_) ++run_begin_[run.row + 1];
  for (std::size_t r = 0; r + 1 < run_begin_.size(); ++r) run_begin_[r + 1] += run_begin_[r];
}

double WTildeOperator::value(std::size_t i, std::size_t j) const {
  for (const Offset& o : window_)
    if (psf_.neighbor(i, o.dr, o.dc) == static_cast<std::int32_t>(j))
      return o.forward ? values_[i * half_window_ + o.half_index]
                       : values_[j * half_window_ + o.half_index];
  return 0.0;
}

std::size_t WTildeOperator::curvature_scratch_bytes(std::size_t source_pixels) const {
  const std::size_t n = psf_.pixels(), rows = psf_.canvas_rows();
  return aligned_array_bytes<std::uint32_t>(source_pixels + 1)  // each source pixel's first entry
         + aligned_array_bytes<SourceEntry>(4 * n)               // M by columns
         + aligned_array_bytes<double>(n)                        // Z_a on the masked pixels
         + 2 * aligned_array_bytes<std::int32_t>(rows);          // the columns Z_a reaches per row
}

// F = M^T W M = H + H^T with H = M^T W_half M, W_half the stored forward
// half of W (its diagonal halved). Source pixel by source pixel a:
//   Z_a = sum over image pixels i of a: M_ia W_half[i, :]
//   H[a, b] = sum_j Z_a[j] M_jb
// Each stored window is 2 hr + 1 rows of the canvas; a row's masked pixels
// are consecutive masked indices (mask_runs_), so Z_a is a sum of contiguous
// multiply-adds on the masked pixels, where visiting the window pixel by
// pixel gathered four source pixels per neighbour through a bookkeeping
// branch. H's row a lands in column a of the output block (H^T); the
// symmetric sum is formed at the end.
void WTildeOperator::curvature(std::span<const PixelMapping> rows, std::size_t source_pixels,
                               double* block, std::size_t leading, ScratchArena& scratch) const {
  const std::size_t n = rows.size(), s = source_pixels;
  // M by columns: the image pixels of each source pixel, with their weights.
  auto first = scratch.take<std::uint32_t>(s + 1);
  auto entries = scratch.take<SourceEntry>(4 * n);
  std::fill(first.begin(), first.end(), 0u);
  for (const PixelMapping& m : rows)
    for (int q = 0; q < 4; ++q)
      if (m.index[q] >= 0) ++first[m.index[q] + 1];
  for (std::size_t a = 0; a < s; ++a) first[a + 1] += first[a];
  for (std::size_t i = 0; i < n; ++i)
    for (int q = 0; q < 4; ++q)
      if (rows[i].index[q] >= 0)
        entries[first[rows[i].index[q]]++] = {static_cast<std::uint32_t>(i), rows[i].weight[q]};
  for (std::size_t a = s; a > 0; --a) first[a] = first[a - 1];
  first[0] = 0;

  auto z = scratch.take<double>(n);
  auto reach_lo = scratch.take<std::int32_t>(psf_.canvas_rows());
  auto reach_hi = scratch.take<std::int32_t>(psf_.canvas_rows());
  std::fill(z.begin(), z.end(), 0.0);
  std::fill(reach_lo.begin(), reach_lo.end(), std::numeric_limits<std::int32_t>::max());
  std::fill(reach_hi.begin(), reach_hi.end(), -1);
  const int rr = reach_rows_, rc = reach_cols_;
  const auto cols = static_cast<std::ptrdiff_t>(psf_.canvas_cols());
  // Calls body(j0, length, offset) for each run of masked pixels j0 ..
  // j0 + length - 1 of canvas row r inside columns [lo, hi], offset being
  // the run's first column minus lo.
  auto for_each_run = [&](int r, int lo, int hi, auto&& body) {
    for (std::uint32_t k = run_begin_[r]; k < run_begin_[r + 1]; ++k) {
      const MaskRun& run = mask_runs_[k];
      const int from = std::max(lo, run.col0), to = std::min(hi, run.col1);
      if (from <= to) body(run.first + static_cast<std::uint32_t>(from - run.col0), to - from + 1, from - lo);
    }
  };
  for (std::size_t b = 0; b < s; ++b) std::fill(block + b * leading, block + b * leading + s, 0.0);

  for (std::size_t a = 0; a < s; ++a) {
    int top = std::numeric_limits<int>::max(), bottom = -1;
    for (std::uint32_t e = first[a]; e < first[a + 1]; ++e) {
      const std::size_t i = entries[e].pixel;
      const double weight = entries[e].weight;
      const double* window = values_.data() + i * half_window_;
      const std::ptrdiff_t origin = psf_.canvas_index(i);
      const int row = static_cast<int>(origin / cols), col = static_cast<int>(origin % cols);
      // Row 0 of the forward half holds offsets 0..rc (its diagonal is
      // counted twice in H + H^T, so halved); rows 1..rr hold -rc..rc.
      z[i] += weight * 0.5 * window[0];
      for (int dr = 0; dr <= rr; ++dr) {
        const int lo = dr == 0 ? col + 1 : col - rc, hi = col + rc;
        const double* w = dr == 0 ? window + 1 : window + (rc + 1) + (dr - 1) * (2 * rc + 1);
        for_each_run(row + dr, lo, hi, [&](std::uint32_t j0, int length, int offset) {
          double* out = z.data() + j0;
          const double* in = w + offset;
          for (int t = 0; t < length; ++t) out[t] += weight * in[t];
        });
        reach_lo[row + dr] = std::min(reach_lo[row + dr], dr == 0 ? col : lo);  // with the diagonal
        reach_hi[row + dr] = std::max(reach_hi[row + dr], hi);
      }
      top = std::min(top, row), bottom = std::max(bottom, row + rr);
    }
    // H[a, b] = sum_j Z_a[j] M_jb over the masked pixels Z_a reaches, which
    // are cleared for the next source pixel.
    double* column = block + a * leading;
    for (int r = top; r <= bottom; ++r) {
      if (reach_hi[r] < 0) continue;
      for_each_run(r, reach_lo[r], reach_hi[r], [&](std::uint32_t j0, int length, int) {
        for (std::uint32_t j = j0; j < j0 + static_cast<std::uint32_t>(length); ++j) {
          const double value = z[j];
          z[j] = 0.0;
          const PixelMapping& mj = rows[j];
          for (int q = 0; q < 4; ++q)
            if (mj.index[q] >= 0) column[mj.index[q]] += value * mj.weight[q];
        }
      });
      reach_lo[r] = std::numeric_limits<std::int32_t>::max(), reach_hi[r] = -1;
    }
  }
  // F = H + H^T: the block holds H^T; add its transpose, in tiles so both
  // the column and the row being read stay in cache.
  constexpr std::size_t kTile = 64;
  for (std::size_t a0 = 0; a0 < s; a0 += kTile)
    for (std::size_t b0 = a0; b0 < s; b0 += kTile)
      for (std::size_t a = a0; a < std::min(s, a0 + kTile); ++a)
        for (std::size_t b = std::max(b0, a); b < std::min(s, b0 + kTile); ++b) {
          double& lower = block[b + a * leading];
          double& upper = block[a + b * leading];
          lower += upper;
          upper = lower;
        }
}

}  // namespace nslab
