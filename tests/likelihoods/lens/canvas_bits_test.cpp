#include "likelihoods/lens/canvas_bits.hpp"

#include <gtest/gtest.h>

#include <random>
#include <utility>
#include <vector>

namespace nslab {
namespace {

// Rows of columns as plain booleans, to check the bit operations against.
using Row = std::vector<bool>;

std::vector<std::uint64_t> bits_of(const Row& row) {
  std::vector<std::uint64_t> bits(canvas_bit_words(row.size()), 0);
  for (std::size_t c = 0; c < row.size(); ++c)
    if (row[c]) set_canvas_bits(bits.data(), static_cast<int>(c), static_cast<int>(c));
  return bits;
}

bool test_bit(const std::vector<std::uint64_t>& bits, std::size_t c) { return (bits[c / 64] >> (c % 64)) & 1; }

Row random_row(std::mt19937& rng, std::size_t columns, double density) {
  std::bernoulli_distribution set(density);
  Row row(columns);
  for (std::size_t c = 0; c < columns; ++c) row[c] = set(rng);
  return row;
}

TEST(CanvasBits, SetBitsSetsExactlyTheRangeAcrossWords) {
  for (auto [first, last] : {std::pair{0, 0}, {3, 70}, {63, 64}, {64, 127}, {10, 190}, {191, 191}}) {
    std::vector<std::uint64_t> bits(3, 0);
    set_canvas_bits(bits.data(), first, last);
    for (int c = 0; c < 192; ++c) EXPECT_EQ(test_bit(bits, c), c >= first && c <= last) << first << ".." << last << " at " << c;
  }
}

TEST(CanvasBits, DilationReachesExactlyTheRadius) {
  std::mt19937 rng(1);
  for (std::size_t columns : {1ul, 64ul, 157ul, 300ul})
    for (int radius : {0, 1, 2, 8, 10, 70})
      for (double density : {0.01, 0.05, 0.3}) {
        const Row row = random_row(rng, columns, density);
        const std::vector<std::uint64_t> in = bits_of(row);
        std::vector<std::uint64_t> out(in.size());
        dilate_canvas_row(in.data(), static_cast<int>(in.size()), radius, out.data());
        for (std::size_t c = 0; c < columns; ++c) {
          bool near = false;
          for (int d = -radius; d <= radius; ++d) {
            const long at = static_cast<long>(c) + d;
            near = near || (at >= 0 && at < static_cast<long>(columns) && row[at]);
          }
          EXPECT_EQ(test_bit(out, c), near) << columns << " columns, radius " << radius << ", column " << c;
        }
      }
}

TEST(CanvasBits, UnionOfFollowingRowsCoversExactlyTheWindow) {
  std::mt19937 rng(2);
  const std::size_t columns = 130;
  const int words = canvas_bit_words(columns);
  for (int rows : {1, 5, 40})
    for (int height : {1, 2, 3, 8, 17, 50}) {
      std::vector<Row> plain;
      std::vector<std::uint64_t> bits;
      for (int i = 0; i < rows; ++i) {
        plain.push_back(random_row(rng, columns, 0.02));
        const std::vector<std::uint64_t> row = bits_of(plain.back());
        bits.insert(bits.end(), row.begin(), row.end());
      }
      union_of_following_rows(bits.data(), rows, words, height);
      for (int i = 0; i < rows; ++i)
        for (std::size_t c = 0; c < columns; ++c) {
          bool any = false;
          for (int k = i; k < std::min(rows, i + height); ++k) any = any || plain[k][c];
          const std::vector<std::uint64_t> row(bits.begin() + i * words, bits.begin() + (i + 1) * words);
          EXPECT_EQ(test_bit(row, c), any) << "rows " << rows << ", height " << height << ", row " << i << ", column " << c;
        }
    }
}

TEST(CanvasBits, RunsAreTheMaximalSetStretchesClippedToTheRange) {
  std::mt19937 rng(3);
  const std::size_t columns = 200;
  for (double density : {0.0, 0.05, 0.5, 0.95, 1.0})
    for (auto [lo, hi] : {std::pair{0, 199}, {5, 130}, {63, 64}, {64, 64}, {100, 99}}) {
      const Row row = random_row(rng, columns, density);
      const std::vector<std::uint64_t> bits = bits_of(row);
      std::vector<std::pair<int, int>> runs, expected;
      for_each_canvas_run(bits.data(), lo, hi, [&](int first, int last) { runs.emplace_back(first, last); });
      for (int c = lo; c <= hi;) {
        if (!row[c]) { ++c; continue; }
        int last = c;
        while (last + 1 <= hi && row[last + 1]) ++last;
        expected.emplace_back(c, last);
        c = last + 1;
      }
      EXPECT_EQ(runs, expected) << "density " << density << ", [" << lo << ", " << hi << "]";
    }
}

}  // namespace
}  // namespace nslab
