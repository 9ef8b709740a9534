#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <random>

#include "likelihoods/lens/pixelization/mapping_matrix.hpp"
#include "likelihoods/lens/pixelization/masked_psf_operator.hpp"
#include "likelihoods/lens/pixelization/w_tilde.hpp"
#include "support/pixelization_test_data.hpp"

namespace nslab {
namespace {

using pixelization_test::small_imaging;

// P as a dense matrix, column i = P e_i, from PsfConvolver (part A's
// convolution, which the MGE path uses): the independent reference.
Eigen::MatrixXd dense_psf(const MaskedImaging& im) {
  const std::size_t n = im.masked_pixels();
  Eigen::MatrixXd p(n, n);
  std::vector<double> unit(n + im.blurring_pixels(), 0.0), column(n);
  for (std::size_t i = 0; i < n; ++i) {
    unit[i] = 1.0;
    im.psf->convolve(unit.data(), 1, false, column.data());
    for (std::size_t k = 0; k < n; ++k) p(k, i) = column[k];
    unit[i] = 0.0;
  }
  return p;
}

std::vector<PixelMapping> random_rows(std::size_t n, int source_pixels, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> pick(0, source_pixels - 1);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<PixelMapping> rows(n);
  for (auto& row : rows) {
    const int used = 1 + static_cast<int>(u(rng) * 4) % 4;
    for (int k = 0; k < 4; ++k) {
      row.index[k] = k < used ? pick(rng) : -1;
      row.weight[k] = k < used ? u(rng) : 0.0;
    }
  }
  return rows;
}

Eigen::MatrixXd dense_mapping(const std::vector<PixelMapping>& rows, int source_pixels) {
  Eigen::MatrixXd m = Eigen::MatrixXd::Zero(rows.size(), source_pixels);
  for (std::size_t i = 0; i < rows.size(); ++i)
    for (int k = 0; k < 4; ++k)
      if (rows[i].index[k] >= 0) m(i, rows[i].index[k]) += rows[i].weight[k];
  return m;
}

TEST(PixelizationOperators, MaskedPsfMatchesTheLightProfileConvolutionAndItsAdjoint) {
  const MaskedImaging& im = *small_imaging();
  const MaskedPsfOperator psf(im.psf_kernel, im.mask);
  const Eigen::MatrixXd p = dense_psf(im);
  const std::size_t n = im.masked_pixels();
  std::mt19937_64 rng(1);
  std::normal_distribution<double> g;
  Eigen::VectorXd u(n), v(n), pu(n), ptv(n);
  for (std::size_t i = 0; i < n; ++i) u[i] = g(rng), v[i] = g(rng);
  psf.apply(u.data(), pu.data());
  psf.apply_transpose(v.data(), 1, ptv.data());
  EXPECT_LT((pu - p * u).cwiseAbs().maxCoeff(), 1e-14);
  EXPECT_LT((ptv - p.transpose() * v).cwiseAbs().maxCoeff(), 1e-14);
  // The lopsided kernel makes P non-symmetric: a flipped kernel would fail above.
  EXPECT_GT((p - p.transpose()).cwiseAbs().maxCoeff(), 1e-3);
}

TEST(PixelizationOperators, BlurredMappingMatrixIsPsfTimesM) {
  const MaskedImaging& im = *small_imaging();
  const MaskedPsfOperator psf(im.psf_kernel, im.mask);
  const std::size_t n = im.masked_pixels();
  const int s = 40;
  const auto rows = random_rows(n, s, 2);
  std::vector<double> m(n * s), b(n * (s + 3), -7.0);
  fill_mapping_matrix<double>(rows, s, m.data(), s, 0);
  blur_mapping_matrix<double>(psf, m.data(), s, b.data(), s + 3, 3);
  const Eigen::MatrixXd expected = dense_psf(im) * dense_mapping(rows, s);
  for (std::size_t k = 0; k < n; ++k) {
    for (int j = 0; j < s; ++j) EXPECT_NEAR(b[k * (s + 3) + 3 + j], expected(k, j), 1e-14);
    EXPECT_EQ(b[k * (s + 3)], -7.0);  // columns before the offset untouched
  }
}

TEST(PixelizationOperators, WTildeIsPsfTransposeNoisePsf) {
  const MaskedImaging& im = *small_imaging();
  const MaskedPsfOperator psf(im.psf_kernel, im.mask);
  const WTildeOperator w(psf, im.data.span(), im.noise_map.span());
  const std::size_t n = im.masked_pixels();
  const Eigen::MatrixXd p = dense_psf(im);
  Eigen::VectorXd inverse_variance(n), data(n);
  for (std::size_t i = 0; i < n; ++i) {
    inverse_variance[i] = 1.0 / (im.noise_map[i] * im.noise_map[i]);
    data[i] = im.data[i];
  }
  const Eigen::MatrixXd expected = p.transpose() * inverse_variance.asDiagonal() * p;
  double worst = 0.0;
  for (std::size_t i = 0; i < n; i += 7)
    for (std::size_t j = 0; j < n; ++j) worst = std::max(worst, std::abs(w.value(i, j) - expected(i, j)));
  EXPECT_LT(worst, 1e-10 * expected.cwiseAbs().maxCoeff());
  const Eigen::VectorXd z = p.transpose() * inverse_variance.cwiseProduct(data);
  for (std::size_t i = 0; i < n; ++i) EXPECT_NEAR(w.weighted_data()[i], z[i], 1e-10 * z.cwiseAbs().maxCoeff());

  // F = M^T W M from the accumulator equals the dense triple product.
  const int s = 50;
  const auto rows = random_rows(n, s, 3);
  const Eigen::MatrixXd m = dense_mapping(rows, s);
  const std::size_t leading = s + 5;
  std::vector<double> f(leading * leading, -1.0);
  std::vector<std::byte> memory(w.curvature_scratch_bytes(s));
  ScratchArena scratch(memory.data(), memory.size());
  w.curvature(rows, s, f.data() + 5 + 5 * leading, leading, scratch);
  EXPECT_EQ(scratch.used_bytes(), w.curvature_scratch_bytes(s));
  const Eigen::MatrixXd expected_f = m.transpose() * expected * m;
  for (int b = 0; b < s; ++b)
    for (int a = 0; a < s; ++a)
      EXPECT_NEAR(f[(5 + a) + (5 + b) * leading], expected_f(a, b), 1e-10 * expected_f.cwiseAbs().maxCoeff());
  EXPECT_EQ(f[0], -1.0);
}

}  // namespace
}  // namespace nslab
