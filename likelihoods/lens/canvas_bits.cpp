#include "likelihoods/lens/canvas_bits.hpp"

#include <algorithm>

namespace nslab {

void set_canvas_bits(std::uint64_t* row, int first, int last) {
  for (int w = first >> 6; w <= (last >> 6); ++w) {
    const int lo = std::max(first, w << 6) & 63, hi = std::min(last, (w << 6) + 63) & 63;
    const std::uint64_t upto_hi = hi == 63 ? ~std::uint64_t{0} : (std::uint64_t{1} << (hi + 1)) - 1;
    row[w] |= upto_hi & (~std::uint64_t{0} << lo);
  }
}

void dilate_canvas_row(const std::uint64_t* in, int words, int radius, std::uint64_t* out) {
  // Run by run: a row of an image on the canvas is a few runs (one for a
  // compact Gaussian), cheaper to widen than to shift word by word.
  std::fill_n(out, words, std::uint64_t{0});
  const int last_column = 64 * words - 1;
  for_each_canvas_run(in, 0, last_column, [&](int first, int last) {
    set_canvas_bits(out, std::max(0, first - radius), std::min(last_column, last + radius));
  });
}

void union_of_following_rows(std::uint64_t* bits, int rows, int words, int height) {
  // After each doubling row i holds rows [i, i + span); the last step joins
  // two overlapping spans to reach `height`. A join reads each row before
  // it changes it (ascending order, offset >= 1 row), so one array does.
  int span = 1;
  while (2 * span <= height) join_rows(bits, rows, words, span), span *= 2;
  if (span < height) join_rows(bits, rows, words, height - span);
}

void join_rows(std::uint64_t* bits, int rows, int words, int offset) {
  const std::size_t count = static_cast<std::size_t>(rows - offset) * words, shift = static_cast<std::size_t>(offset) * words;
  for (std::size_t k = 0; offset < rows && k < count; ++k) bits[k] |= bits[k + shift];
}

}  // namespace nslab
