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
  // By doubling, in place: after a step of s the set reaches s further, with
  // s <= reach + 1 so no column is skipped (8 = 1 + 2 + 4 + 1: four steps).
  std::copy_n(in, words, out);
  for (int reach = 0; reach < radius;) {
    const int s = std::min({reach + 1, radius - reach, 63});
    std::uint64_t before = 0;  // the previous word as it was before this step
    for (int w = 0; w < words; ++w) {
      const std::uint64_t word = out[w], after = w + 1 < words ? out[w + 1] : 0;
      out[w] = word | (word << s) | (before >> (64 - s)) | (word >> s) | (after << (64 - s));
      before = word;
    }
    reach += s;
  }
}

void union_of_following_rows(std::uint64_t* bits, int rows, int words, int height) {
  // After the loop each row holds rows [i, i + span); the last step joins
  // two overlapping spans to reach `height`.
  int span = 1;
  auto join = [&](int offset) {
    for (int i = 0; i + offset < rows; ++i)
      for (int w = 0; w < words; ++w)
        bits[static_cast<std::size_t>(i) * words + w] |= bits[static_cast<std::size_t>(i + offset) * words + w];
  };
  while (2 * span <= height) join(span), span *= 2;
  if (span < height) {
    // Rows [i, i + span) | [i + height - span, i + height): a second buffer
    // would be needed to read the not-yet-joined rows, but joining in
    // ascending order reads row i + height - span before it is changed.
    join(height - span);
  }
}

}  // namespace nslab
