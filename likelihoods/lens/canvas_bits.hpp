#pragma once
// Sets of canvas columns, one bitset per canvas row: where an image on the
// PSF convolver's canvas may be nonzero, and from that where its row pass
// and its blurred image may be. A source Gaussian traced through the lens is
// nonzero on a few thin arcs, whose bounding box is most of the canvas; the
// convolution visits only the bits' runs (psf_convolver.hpp).
//
// Row r's bits are words [r * words_per_row, (r + 1) * words_per_row), bit c
// (column c) in word c / 64 at bit c % 64.

#include <bit>
#include <cstddef>
#include <cstdint>

namespace nslab {

inline constexpr int canvas_bit_words(std::size_t columns) { return static_cast<int>((columns + 63) / 64); }

// Sets columns [first, last] (inclusive) of one row.
void set_canvas_bits(std::uint64_t* row, int first, int last);

// out = the columns within `radius` of a column of `in` (one row of `words`).
void dilate_canvas_row(const std::uint64_t* in, int words, int radius, std::uint64_t* out);

// In place, over `rows` rows of `words`: row i becomes the union of rows
// [i, i + height) (rows past the last are empty), by doubling: for a height
// of 17, five unions a row instead of sixteen.
void union_of_following_rows(std::uint64_t* bits, int rows, int words, int height);

// In place: row i |= row i + offset (offset >= 1; rows past the last are empty).
void join_rows(std::uint64_t* bits, int rows, int words, int offset);

// f(first, last) for each run of set columns within [lo, hi] of one row, in
// ascending order; runs are inclusive and clipped to [lo, hi].
template <class F>
void for_each_canvas_run(const std::uint64_t* row, int lo, int hi, F&& f) {
  int c = lo;
  while (c <= hi) {
    // The next set bit at or after c.
    int w = c >> 6;
    std::uint64_t word = row[w] & (~std::uint64_t{0} << (c & 63));
    while (word == 0) {
      if (++w > (hi >> 6)) return;
      word = row[w];
    }
    const int first = (w << 6) + std::countr_zero(word);
    if (first > hi) return;
    // The next clear bit after it.
    word = ~row[w] & (~std::uint64_t{0} << (first & 63));
    while (word == 0 && (w << 6) + 64 <= hi) word = ~row[++w];
    const int end = word == 0 ? hi + 1 : (w << 6) + std::countr_zero(word);
    const int last = end - 1 < hi ? end - 1 : hi;
    f(first, last);
    c = last + 2;
  }
}

}  // namespace nslab
