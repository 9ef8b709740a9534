#include "likelihoods/lens/pixelization/w_tilde.hpp"

#include <algorithm>
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
}

double WTildeOperator::value(std::size_t i, std::size_t j) const {
  for (const Offset& o : window_)
    if (psf_.neighbor(i, o.dr, o.dc) == static_cast<std::int32_t>(j))
      return o.forward ? values_[i * half_window_ + o.half_index]
                       : values_[j * half_window_ + o.half_index];
  return 0.0;
}

std::size_t WTildeOperator::curvature_scratch_bytes(std::size_t source_pixels) {
  return aligned_array_bytes<double>(source_pixels) +
         aligned_array_bytes<std::int32_t>(source_pixels) +
         aligned_array_bytes<std::uint8_t>(source_pixels);
}

void WTildeOperator::curvature(std::span<const PixelMapping> rows, std::size_t source_pixels,
                               double* block, std::size_t leading, ScratchArena& scratch) const {
  auto accumulator = scratch.take<double>(source_pixels);
  auto touched = scratch.take<std::int32_t>(source_pixels);
  auto seen = scratch.take<std::uint8_t>(source_pixels);
  std::fill(seen.begin(), seen.end(), std::uint8_t{0});
  for (std::size_t b = 0; b < source_pixels; ++b)
    std::fill(block + b * leading, block + b * leading + source_pixels, 0.0);

  const double* w = values_.data();
  const int rr = reach_rows_, rc = reach_cols_;
  // Start of row dr (>= 0) of the stored half window, indexed by dc.
  auto row_base = [&](int dr) -> std::ptrdiff_t {
    return dr == 0 ? 0 : (rc + 1) + static_cast<std::ptrdiff_t>(dr - 1) * (2 * rc + 1) + rc;
  };
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const PixelMapping& mi = rows[i];
    const double* wi = w + i * half_window_;
    std::size_t count = 0;
    auto gather = [&](std::int32_t j, double wij) {
      const PixelMapping& mj = rows[j];
      for (int q = 0; q < 4; ++q) {
        const std::int32_t b = mj.index[q];
        if (b < 0) continue;
        const double value = wij * mj.weight[q];
        if (seen[b] == 0) {
          seen[b] = 1;
          touched[count++] = b;
          accumulator[b] = value;
        } else {
          accumulator[b] += value;
        }
      }
    };
    // Only the forward half of the window, stored at i: F = H + H^T with
    // H = sum_i m_i r_i^T, r_i = W_ii m_i / 2 + sum_{j forward of i} W_ij m_j,
    // half the gathers of visiting the whole window.
    gather(static_cast<std::int32_t>(i), 0.5 * wi[0]);
    const std::int32_t* same_row = psf_.neighbor_row(i, 0);
    for (int dc = 1; dc <= rc; ++dc)
      if (same_row[dc] >= 0) gather(same_row[dc], wi[dc]);
    for (int dr = 1; dr <= rr; ++dr) {
      const std::int32_t* neighbors = psf_.neighbor_row(i, dr);
      const double* wr = wi + row_base(dr);
      for (int dc = -rc; dc <= rc; ++dc)
        if (neighbors[dc] >= 0) gather(neighbors[dc], wr[dc]);
    }
    for (std::size_t t = 0; t < count; ++t) {
      const std::int32_t b = touched[t];
      seen[b] = 0;
      const double r = accumulator[b];
      double* column = block + static_cast<std::size_t>(b) * leading;
      for (int p = 0; p < 4; ++p)
        if (mi.index[p] >= 0) column[mi.index[p]] += mi.weight[p] * r;
    }
  }
  for (std::size_t b = 0; b < source_pixels; ++b) {  // F = H + H^T
    double* column = block + b * leading;
    column[b] *= 2.0;
    for (std::size_t a = b + 1; a < source_pixels; ++a) {
      double& upper = block[a * leading + b];
      column[a] += upper;
      upper = column[a];
    }
  }
}

}  // namespace nslab
