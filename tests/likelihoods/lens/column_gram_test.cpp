#include "likelihoods/lens/column_gram.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "likelihoods/lens/inversion.hpp"

namespace nslab {
namespace {

// The lower triangle of X^T X by one long double sum per entry.
template <class Real>
std::vector<long double> reference_gram(const std::vector<Real>& x, std::size_t pixels, std::size_t s) {
  std::vector<long double> f(s * s, 0.0L);
  for (std::size_t c = 0; c < s; ++c)
    for (std::size_t r = c; r < s; ++r)
      for (std::size_t i = 0; i < pixels; ++i)
        f[r + c * s] += static_cast<long double>(x[i + r * pixels]) * x[i + c * pixels];
  return f;
}

template <class Real>
void expect_gram_matches(std::size_t pixels, std::size_t s, double tolerance) {
  std::mt19937 rng(static_cast<unsigned>(pixels * 131 + s));
  std::normal_distribution<double> normal;
  std::vector<Real> x(pixels * s);
  for (Real& v : x) v = static_cast<Real>(normal(rng));
  const Real sentinel = Real(-12345);
  std::vector<Real> f(s * s, sentinel);
  column_gram_lower(x.data(), pixels, s, f.data());
  const std::vector<long double> expected = reference_gram(x, pixels, s);
  for (std::size_t c = 0; c < s; ++c) {
    for (std::size_t r = 0; r < c; ++r) EXPECT_EQ(f[r + c * s], sentinel) << "upper (" << r << ", " << c << ")";
    // |F_rc| <= sqrt(F_rr F_cc): the entries' natural scale.
    for (std::size_t r = c; r < s; ++r) {
      const double scale = std::sqrt(static_cast<double>(expected[r + r * s] * expected[c + c * s]));
      EXPECT_NEAR(f[r + c * s], static_cast<double>(expected[r + c * s]), tolerance * scale)
          << "pixels " << pixels << " s " << s << " entry (" << r << ", " << c << ")";
    }
  }
}

// Shapes around every edge the kernel has: F sides that are and are not
// multiples of the register blocks (4 x 4, 4 x 2), pixel counts inside one
// register, inside one tile, across tiles, with and without a tail.
TEST(ColumnGram, MatchesTheDefinitionOnEveryShape) {
  for (std::size_t pixels : {1u, 7u, 64u, 1023u, 1024u, 1025u, 3001u})
    for (std::size_t s : {1u, 2u, 3u, 5u, 8u, 13u, 40u}) {
      expect_gram_matches<double>(pixels, s, 1e-14);
      expect_gram_matches<float>(pixels, s, 1e-5);
    }
}

TEST(ColumnGram, IsTheSameOnEveryCall) {
  const std::size_t pixels = 2500, s = 40;
  std::mt19937 rng(9);
  std::normal_distribution<double> normal;
  std::vector<double> x(pixels * s), first(s * s), second(s * s, 7.0);
  for (double& v : x) v = normal(rng);
  column_gram_lower(x.data(), pixels, s, first.data());
  column_gram_lower(x.data(), pixels, s, second.data());
  for (std::size_t c = 0; c < s; ++c)
    for (std::size_t r = c; r < s; ++r) EXPECT_EQ(first[r + c * s], second[r + c * s]);
}

// Columns zero outside ranges of every kind (empty, inside one register,
// across tiles, the whole column): the ranged call gives the same bits as
// the plain one, and nonzero_range finds the ranges.
TEST(ColumnGram, NonzeroRangesGiveTheSameBits) {
  const std::size_t pixels = 3001, s = 13;
  const std::pair<std::size_t, std::size_t> ranges[s] = {{0, 0},       {5, 6},     {0, pixels}, {1000, 1030},
                                                          {1020, 2100}, {17, 900},  {2999, 3001}, {0, 1},
                                                          {512, 1536},  {0, 2048},  {300, 301},  {1500, 3001},
                                                          {7, 2993}};
  std::mt19937 rng(11);
  std::normal_distribution<double> normal;
  std::vector<double> x(pixels * s, 0.0);
  std::vector<NonzeroRange> nonzero(s);
  for (std::size_t j = 0; j < s; ++j) {
    for (std::size_t i = ranges[j].first; i < ranges[j].second; ++i) x[i + j * pixels] = normal(rng);
    nonzero[j] = nonzero_range<double>(std::span<const double>(x).subspan(j * pixels, pixels));
    EXPECT_EQ(nonzero[j].first, ranges[j].first == ranges[j].second ? 0u : ranges[j].first) << "column " << j;
    EXPECT_EQ(nonzero[j].last, ranges[j].first == ranges[j].second ? 0u : ranges[j].second) << "column " << j;
  }
  std::vector<double> plain(s * s), ranged(s * s);
  column_gram_lower(x.data(), pixels, s, plain.data());
  column_gram_lower(x.data(), pixels, s, ranged.data(), std::span<const NonzeroRange>(nonzero));
  for (std::size_t c = 0; c < s; ++c)
    for (std::size_t r = c; r < s; ++r) {
      EXPECT_EQ(ranged[r + c * s], plain[r + c * s]) << "entry (" << r << ", " << c << ")";
      EXPECT_FALSE(std::signbit(ranged[r + c * s]) && ranged[r + c * s] == 0.0);
    }
}

// The MGE's path: each column scaled by 1/sigma with its entry of D, then F
// from the scaled columns, against the dense normal equations' definition.
TEST(ColumnGram, ColumnByColumnNormalEquationsMatchTheDenseOnes) {
  const std::size_t pixels = 1500, s = 7;
  std::mt19937 rng(4);
  std::uniform_real_distribution<double> uniform(0.5, 2.0);
  std::vector<double> columns(pixels * s), inverse_sigma(pixels), weighted_data(pixels), data(pixels),
      noise(pixels);
  for (double& v : columns) v = uniform(rng);
  for (std::size_t i = 0; i < pixels; ++i) {
    data[i] = uniform(rng), noise[i] = uniform(rng);
    inverse_sigma[i] = 1.0 / noise[i], weighted_data[i] = data[i] / noise[i];
  }
  std::vector<double> pixel_major(pixels * s);
  for (std::size_t i = 0; i < pixels; ++i)
    for (std::size_t j = 0; j < s; ++j) pixel_major[i * s + j] = columns[j * pixels + i];
  std::vector<double> expected_f(s * s), expected_d(s), f(s * s), d(s);
  ScratchArena none(nullptr, 0);
  dense_normal_equations<double>(pixel_major, s, data, noise, expected_f, expected_d, none);
  for (std::size_t j = 0; j < s; ++j)
    d[j] = scale_column<double>(std::span<double>(columns).subspan(j * pixels, pixels), inverse_sigma,
                                weighted_data);
  curvature_from_scaled_columns<double>(columns, s, f, none);
  for (std::size_t j = 0; j < s; ++j) EXPECT_NEAR(d[j], expected_d[j], 1e-12 * std::abs(expected_d[j]));
  for (std::size_t e = 0; e < s * s; ++e) EXPECT_NEAR(f[e], expected_f[e], 1e-12 * std::abs(expected_f[e]));
}

// A column that is 0 outside [first, last): scale_column told so gives the
// whole column's bits, for ranges that start and end inside a register pair
// or on its edges.
TEST(ColumnGram, ScaleColumnOverItsNonzeroRangeGivesTheWholeColumnsBits) {
  const std::size_t pixels = 1003;  // not a multiple of any register pair
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> uniform(-2.0, 2.0);
  std::vector<double> inverse_sigma(pixels), weighted_data(pixels);
  for (std::size_t i = 0; i < pixels; ++i) inverse_sigma[i] = 0.5 + std::abs(uniform(rng)), weighted_data[i] = uniform(rng);
  for (auto [first, last] : {std::pair<std::size_t, std::size_t>{0, pixels}, {17, 500}, {32, 64}, {5, 6},
                             {990, pixels}, {999, 1001}, {400, 400}}) {
    std::vector<double> whole(pixels, 0.0);
    for (std::size_t i = first; i < last; ++i) whole[i] = uniform(rng);
    std::vector<double> ranged = whole;
    const double d_whole = scale_column<double>(whole, inverse_sigma, weighted_data);
    const NonzeroRange range{static_cast<std::uint32_t>(first), static_cast<std::uint32_t>(last)};
    const double d_ranged = scale_column<double>(ranged, inverse_sigma, weighted_data, range);
    EXPECT_EQ(d_ranged, d_whole) << first << ".." << last;
    EXPECT_EQ(ranged, whole) << first << ".." << last;
  }
}

}  // namespace
}  // namespace nslab
