#include "likelihoods/lens/inversion.hpp"

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <random>

namespace nslab {
namespace {

using Matrix = Eigen::MatrixXd;
using Vector = Eigen::VectorXd;

Matrix random_spd(int k, std::mt19937& rng, double ridge = 0.1) {
  std::normal_distribution<double> normal;
  Matrix z(k + 3, k);
  for (int i = 0; i < z.size(); ++i) z.data()[i] = normal(rng);
  return z.transpose() * z + ridge * Matrix::Identity(k, k);
}

// fnnls on Eigen inputs, with exactly its own scratch; false where it fails.
bool solve_fnnls(const Matrix& a, const Vector& b, Vector& x, std::size_t* iterations = nullptr) {
  const std::size_t k = static_cast<std::size_t>(b.size());
  std::vector<std::byte> memory(fnnls_scratch_bytes(k));
  ScratchArena scratch(memory.data(), memory.size());
  std::vector<double> s(k);
  const bool solved = fnnls(std::span<const double>(a.data(), k * k), std::span<const double>(b.data(), k), s,
                            scratch, iterations);
  x = Eigen::Map<const Vector>(s.data(), b.size());
  return solved;
}

// The exact NNLS minimiser by enumeration: of all passive sets whose
// unconstrained sub-solution is positive, the one with the least objective.
Vector brute_force_nnls(const Matrix& a, const Vector& b) {
  const int k = static_cast<int>(b.size());
  Vector best = Vector::Zero(k);
  double best_value = 0.0;
  for (int set = 1; set < (1 << k); ++set) {
    std::vector<int> idx;
    for (int i = 0; i < k; ++i)
      if (set & (1 << i)) idx.push_back(i);
    Matrix sub(idx.size(), idx.size());
    Vector rhs(idx.size());
    for (std::size_t r = 0; r < idx.size(); ++r) {
      rhs[r] = b[idx[r]];
      for (std::size_t c = 0; c < idx.size(); ++c) sub(r, c) = a(idx[r], idx[c]);
    }
    const Vector z = sub.llt().solve(rhs);
    if (z.minCoeff() <= 0.0) continue;
    Vector s = Vector::Zero(k);
    for (std::size_t r = 0; r < idx.size(); ++r) s[idx[r]] = z[r];
    const double value = 0.5 * s.dot(a * s) - b.dot(s);
    if (value < best_value) best_value = value, best = s;
  }
  return best;
}

TEST(LensInversion, FnnlsFindsTheExactNonNegativeMinimiser) {
  std::mt19937 rng(7);
  std::normal_distribution<double> normal;
  for (int trial = 0; trial < 40; ++trial) {
    const int k = 2 + trial % 7;
    const Matrix a = random_spd(k, rng);
    Vector b(k);
    for (int i = 0; i < k; ++i) b[i] = normal(rng);
    std::vector<std::byte> memory(fnnls_scratch_bytes(k));
    ScratchArena scratch(memory.data(), memory.size());
    std::vector<double> s(k);
    ASSERT_TRUE(fnnls(std::span<const double>(a.data(), k * k), std::span<const double>(b.data(), k), s, scratch));
    const Vector expected = brute_force_nnls(a, b);
    for (int i = 0; i < k; ++i) EXPECT_NEAR(s[i], expected[i], 1e-10) << "trial " << trial;
    EXPECT_EQ(scratch.used_bytes(), fnnls_scratch_bytes(k));
  }
}

// Large problems (the factor is extended and cut back many times on the way)
// have no brute force; the KKT conditions certify the unique minimiser:
// s >= 0, the gradient b - A s is 0 where s > 0 and <= 0 where s = 0.
TEST(LensInversion, FnnlsMeetsTheKktConditionsOnLargeProblems) {
  std::mt19937 rng(11);
  std::normal_distribution<double> normal;
  for (int k : {40, 150, 400}) {
    const Matrix a = random_spd(k, rng, 0.5);
    Vector b(k);
    for (int i = 0; i < k; ++i) b[i] = normal(rng) * 10.0;
    std::vector<std::byte> memory(fnnls_scratch_bytes(k));
    ScratchArena scratch(memory.data(), memory.size());
    std::vector<double> s(k);
    std::size_t iterations = 0;
    ASSERT_TRUE(fnnls(std::span<const double>(a.data(), k * k), std::span<const double>(b.data(), k), s,
                      scratch, &iterations));
    const Vector x = Eigen::Map<const Vector>(s.data(), k);
    const Vector gradient = b - a * x;
    const double scale = b.cwiseAbs().maxCoeff();
    int positive = 0;
    for (int i = 0; i < k; ++i) {
      EXPECT_GE(x[i], 0.0);
      if (x[i] > 0.0) {
        ++positive;
        EXPECT_NEAR(gradient[i], 0.0, 1e-9 * scale) << "k " << k << " i " << i;
      } else {
        EXPECT_LE(gradient[i], 1e-9 * scale) << "k " << k << " i " << i;
      }
    }
    // Both kinds of entries occur, so the active set really moved.
    EXPECT_GT(positive, k / 10);
    EXPECT_LT(positive, k - k / 10);
    EXPECT_GT(iterations, 2u);
  }
}

// A curvature matrix like a pixelized source's: mostly rank-deficient (few
// data rows per unknown) and held positive-definite only by a small ridge, so
// blocks of many columns added at once can be numerically singular and the
// solver must take them back and go on one at a time.
TEST(LensInversion, FnnlsMeetsTheKktConditionsWhenBlocksAreNearlySingular) {
  std::mt19937 rng(5);
  std::normal_distribution<double> normal;
  const int k = 300;
  Matrix z(k / 3, k);
  for (int i = 0; i < z.size(); ++i) z.data()[i] = normal(rng);
  const Matrix a = z.transpose() * z + 1e-6 * Matrix::Identity(k, k);
  Vector b(k);
  for (int i = 0; i < k; ++i) b[i] = normal(rng);
  Vector x;
  ASSERT_TRUE(solve_fnnls(a, b, x));
  const Vector gradient = b - a * x;
  // Round-off of a solve with this A: its norm times the solution's.
  const double scale = b.cwiseAbs().maxCoeff() + a.cwiseAbs().rowwise().sum().maxCoeff() * x.cwiseAbs().maxCoeff();
  for (int i = 0; i < k; ++i) {
    EXPECT_GE(x[i], 0.0);
    if (x[i] > 0.0) EXPECT_NEAR(gradient[i], 0.0, 1e-9 * scale) << "i " << i;
    else EXPECT_LE(gradient[i], 1e-9 * scale) << "i " << i;
  }
}

TEST(LensInversion, RegularizedBlockGivesSubBlockLogDetsAndAddsDiagonalOnlyOutsideIt) {
  std::mt19937 rng(11);
  const int n = 7, begin = 3, m = 4;
  const Matrix f = random_spd(n, rng, 1.0);
  const Matrix h = random_spd(m, rng, 0.5);
  Vector d = f * Vector::Constant(n, 1.0);  // the unconstrained solution is all ones
  LinearParameterLayout layout;
  layout.parameters = n, layout.regularized_begin = begin, layout.regularized_count = m;
  std::vector<std::byte> memory(inversion_scratch_bytes(layout));
  ScratchArena scratch(memory.data(), memory.size());
  Matrix curvature = f;
  std::vector<double> s(n);
  const InversionSolution solution = solve_inversion(
      layout, std::span<double>(curvature.data(), n * n), std::span<const double>(d.data(), n),
      std::span<const double>(h.data(), m * m), s, scratch);
  ASSERT_TRUE(solution.solved);
  EXPECT_EQ(scratch.used_bytes(), inversion_scratch_bytes(layout));
  Matrix expected = f;
  for (int i = 0; i < begin; ++i) expected(i, i) += 1e-3;
  expected.block(begin, begin, m, m) += h;
  EXPECT_LT((curvature - expected).cwiseAbs().maxCoeff(), 1e-12);
  // s solves (F + H) s = D where it is positive: check the KKT conditions.
  const Vector sv = Eigen::Map<Vector>(s.data(), n);
  const Vector gradient = d - expected * sv;
  for (int i = 0; i < n; ++i) {
    EXPECT_GE(sv[i], 0.0);
    if (sv[i] > 0) EXPECT_NEAR(gradient[i], 0.0, 1e-9);
    else EXPECT_LE(gradient[i], 1e-9);
  }
  // Log-determinants of the mapper's sub-blocks, by eigenvalues (a second formulation).
  const Matrix block = expected.block(begin, begin, m, m);
  const double log_det_block = Eigen::SelfAdjointEigenSolver<Matrix>(block).eigenvalues().array().log().sum();
  const double log_det_h = Eigen::SelfAdjointEigenSolver<Matrix>(h).eigenvalues().array().log().sum();
  EXPECT_NEAR(solution.log_det_curvature_reg, log_det_block, 1e-10);
  EXPECT_NEAR(solution.log_det_regularization, log_det_h, 1e-10);
  const Vector sb = sv.segment(begin, m);
  EXPECT_NEAR(solution.regularization_term, sb.dot(h * sb), 1e-10);

  const FitParts parts = fit_parts(10.0, -4.0, solution, true);
  EXPECT_DOUBLE_EQ(parts.figure_of_merit, parts.log_evidence);
  EXPECT_NEAR(parts.log_evidence,
              -0.5 * (10.0 + sb.dot(h * sb) + log_det_block - log_det_h - 4.0), 1e-10);
  EXPECT_DOUBLE_EQ(parts.log_likelihood, -0.5 * (10.0 - 4.0));
}

TEST(LensInversion, ExcludedParametersStayZeroAndStayInTheLogDets) {
  std::mt19937 rng(5);
  const int n = 5;
  const Matrix f = random_spd(n, rng, 1.0), h = random_spd(n, rng, 1.0);
  const Vector d = Vector::Constant(n, 3.0);
  LinearParameterLayout layout;
  layout.parameters = n, layout.regularized_count = n, layout.excluded = {1, 4};
  std::vector<std::byte> memory(inversion_scratch_bytes(layout));
  ScratchArena scratch(memory.data(), memory.size());
  Matrix curvature = f;
  std::vector<double> s(n);
  const InversionSolution solution = solve_inversion(
      layout, std::span<double>(curvature.data(), n * n), std::span<const double>(d.data(), n),
      std::span<const double>(h.data(), n * n), s, scratch);
  ASSERT_TRUE(solution.solved);
  EXPECT_EQ(s[1], 0.0);
  EXPECT_EQ(s[4], 0.0);
  const Matrix full = f + h;
  EXPECT_NEAR(solution.log_det_curvature_reg, std::log(full.determinant()), 1e-9);
}

TEST(LensInversion, DenseNormalEquationsMatchTheirDefinition) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> uniform(0.5, 2.0);
  const int pixels = 30, s = 4;
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> b(pixels, s);
  Vector data(pixels), noise(pixels);
  for (int i = 0; i < b.size(); ++i) b.data()[i] = uniform(rng);
  for (int i = 0; i < pixels; ++i) data[i] = uniform(rng), noise[i] = uniform(rng);
  const Matrix expected_f = b.transpose() * noise.cwiseInverse().cwiseAbs2().asDiagonal() * b;
  const Vector expected_d = b.transpose() * data.cwiseQuotient(noise.cwiseAbs2());
  std::vector<double> columns(b.data(), b.data() + b.size()), f(s * s), dv(s);
  ScratchArena none(nullptr, 0);
  dense_normal_equations<double>(columns, s, std::span<const double>(data.data(), pixels),
                                 std::span<const double>(noise.data(), pixels), f, dv, none);
  for (int i = 0; i < s * s; ++i) EXPECT_NEAR(f[i], expected_f.data()[i], 1e-12);
  for (int i = 0; i < s; ++i) EXPECT_NEAR(dv[i], expected_d[i], 1e-12);
  const std::vector<double> weights = {0.5, 0.0, 1.5, 2.0};
  const Vector model = b * Eigen::Map<const Vector>(weights.data(), s);
  const double expected_chi2 = (data - model).cwiseQuotient(noise).squaredNorm();
  EXPECT_NEAR(dense_chi_squared<double>(columns, s, std::span<const double>(data.data(), pixels),
                                        std::span<const double>(noise.data(), pixels), weights),
              expected_chi2, 1e-10);
}

}  // namespace
}  // namespace nslab
