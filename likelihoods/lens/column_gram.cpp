#include "likelihoods/lens/column_gram.hpp"

#include <algorithm>
#include <utility>

#include "likelihoods/lens/vector_register.hpp"

namespace nslab {

namespace {

// Rows x Cols entries of F, (r0.., c0..), over registers [v_begin, v_end)
// of pixels from x: Rows + Cols loads and Rows * Cols multiply-adds per
// register of pixels, all the sums in registers (4 x 4 of them with
// AVX-512's 32 registers; 4 x 2 with AVX2's 16).
template <class Real, int Rows, int Cols>
void gram_block(const Real* x, std::size_t pixels, std::size_t r0, std::size_t c0, std::size_t v_begin,
                std::size_t v_end, std::size_t s, Real* f) {
  using V = VectorRegister<Real>;
  constexpr int kLanes = kRegisterLanes<Real>;
  V sum[Rows][Cols] = {};
  const Real* row[Rows];
  const Real* col[Cols];
  for (int a = 0; a < Rows; ++a) row[a] = x + (r0 + a) * pixels;
  for (int b = 0; b < Cols; ++b) col[b] = x + (c0 + b) * pixels;
  for (std::size_t v = v_begin; v < v_end; ++v) {
    const std::size_t i = v * kLanes;
    V xr[Rows], xc[Cols];
    for (int a = 0; a < Rows; ++a) xr[a] = load_register(row[a] + i);
    for (int b = 0; b < Cols; ++b) xc[b] = load_register(col[b] + i);
    // Held in registers: GCC would otherwise fold each load into every
    // multiply-add that uses it, Rows times as many loads, and the loads
    // (one 64-byte load a cycle on Zen 4) then bound the loop. Only where
    // one register holds a whole V: without AVX (the GPU presets' portable
    // host code) V is two SSE registers, which no asm operand can name.
#ifdef __AVX__
    for (int a = 0; a < Rows; ++a) asm("" : "+v"(xr[a]));
    for (int b = 0; b < Cols; ++b) asm("" : "+v"(xc[b]));
#endif
    for (int a = 0; a < Rows; ++a)
      for (int b = 0; b < Cols; ++b) sum[a][b] += xr[a] * xc[b];
  }
  for (int a = 0; a < Rows; ++a)
    for (int b = 0; b < Cols; ++b)
      if (r0 + a >= c0 + b) f[(r0 + a) + (c0 + b) * s] += lane_sum<Real>(sum[a][b]);
}

// The pixels [lo, hi) outside which columns [j0, j1) are all 0 (lo >= hi
// when every one of them is 0 throughout).
std::pair<std::size_t, std::size_t> pixel_span(std::span<const NonzeroRange> nonzero, std::size_t j0,
                                               std::size_t j1, std::size_t pixels) {
  std::size_t lo = pixels, hi = 0;
  for (std::size_t j = j0; j < j1; ++j)
    if (nonzero[j].first < nonzero[j].last)
      lo = std::min<std::size_t>(lo, nonzero[j].first), hi = std::max<std::size_t>(hi, nonzero[j].last);
  return {lo, hi};
}

}  // namespace

template <class Real>
void column_gram_lower(const Real* x, std::size_t pixels, std::size_t s, Real* f,
                       std::span<const NonzeroRange> nonzero) {
  constexpr std::size_t kLanes = kRegisterLanes<Real>;
  constexpr std::size_t kRows = 4, kCols = kRegisterBytes == 64 ? 4 : 2;
  for (std::size_t c = 0; c < s; ++c) std::fill(f + c * s + c, f + (c + 1) * s, Real(0));
  const bool ranged = !nonzero.empty();
  for (std::size_t t0 = 0; t0 < pixels; t0 += kColumnGramTile) {
    const std::size_t tile = std::min(kColumnGramTile, pixels - t0);
    const std::size_t vectors = tile / kLanes;
    const Real* xt = x + t0;
    // The registers of this tile where rows [r0, r1) and columns [c0, c1)
    // both have a column that may be nonzero.
    auto registers = [&](std::size_t r0, std::size_t r1, std::size_t c0, std::size_t c1) {
      if (!ranged) return std::pair<std::size_t, std::size_t>{0, vectors};
      const auto [row_lo, row_hi] = pixel_span(nonzero, r0, r1, pixels);
      const auto [col_lo, col_hi] = pixel_span(nonzero, c0, c1, pixels);
      const std::size_t lo = std::max(row_lo, col_lo), hi = std::min(row_hi, col_hi);
      if (lo >= hi || hi <= t0 || lo >= t0 + vectors * kLanes) return std::pair<std::size_t, std::size_t>{0, 0};
      const std::size_t v_begin = lo <= t0 ? 0 : (lo - t0) / kLanes;
      const std::size_t v_end = std::min(vectors, (hi - t0 + kLanes - 1) / kLanes);
      return std::pair<std::size_t, std::size_t>{v_begin, v_end};
    };
    // Blocks on a grid of kRows x kCols from F's corner; those wholly inside
    // F and reaching its lower triangle are done in registers, the rest of
    // the lower triangle entry by entry.
    for (std::size_t c0 = 0; c0 < s; c0 += kCols)
      for (std::size_t r0 = c0 / kRows * kRows; r0 < s; r0 += kRows) {
        if (r0 + kRows <= s && c0 + kCols <= s) {
          const auto [v_begin, v_end] = registers(r0, r0 + kRows, c0, c0 + kCols);
          if (v_begin < v_end) gram_block<Real, kRows, kCols>(xt, pixels, r0, c0, v_begin, v_end, s, f);
          continue;
        }
        for (std::size_t c = c0; c < std::min(s, c0 + kCols); ++c)
          for (std::size_t r = std::max(r0, c); r < std::min(s, r0 + kRows); ++r) {
            const auto [v_begin, v_end] = registers(r, r + 1, c, c + 1);
            if (v_begin < v_end) gram_block<Real, 1, 1>(xt, pixels, r, c, v_begin, v_end, s, f);
          }
      }
    // The tile's last pixels, fewer than a register, one at a time.
    for (std::size_t i = t0 + vectors * kLanes; i < t0 + tile; ++i)
      for (std::size_t c = 0; c < s; ++c)
        for (std::size_t r = c; r < s; ++r) f[r + c * s] += x[i + r * pixels] * x[i + c * pixels];
  }
}

template <class Real>
NonzeroRange nonzero_range(std::span<const Real> column) {
  std::size_t first = 0, last = column.size();
  while (first < last && column[first] == Real(0)) ++first;
  while (last > first && column[last - 1] == Real(0)) --last;
  if (first == last) return {};
  return {static_cast<std::uint32_t>(first), static_cast<std::uint32_t>(last)};
}

template void column_gram_lower<double>(const double*, std::size_t, std::size_t, double*,
                                        std::span<const NonzeroRange>);
template void column_gram_lower<float>(const float*, std::size_t, std::size_t, float*,
                                       std::span<const NonzeroRange>);
template NonzeroRange nonzero_range<double>(std::span<const double>);
template NonzeroRange nonzero_range<float>(std::span<const float>);

}  // namespace nslab
