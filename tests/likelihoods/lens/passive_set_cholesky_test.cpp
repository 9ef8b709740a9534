#include "likelihoods/lens/passive_set_cholesky.hpp"

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <random>
#include <vector>

namespace nslab {
namespace {

using Matrix = Eigen::MatrixXd;

Matrix random_spd(int n, std::mt19937& rng) {
  std::normal_distribution<double> normal;
  Matrix z(n + 5, n);
  for (int i = 0; i < z.size(); ++i) z.data()[i] = normal(rng);
  return z.transpose() * z + 0.1 * Matrix::Identity(n, n);
}

struct Fixture {
  Matrix a;
  std::vector<std::byte> memory;
  ScratchArena scratch;
  PassiveSetCholesky factor;
  Fixture(int n, std::mt19937& rng)
      : a(random_spd(n, rng)), memory(PassiveSetCholesky::scratch_bytes(n)),
        scratch(memory.data(), memory.size()), factor(a.data(), n, n, scratch) {}

  // A[list, list] against the solve and log-determinant the factor gives.
  void expect_factor_of_list(const std::vector<std::uint32_t>& expected_list) {
    ASSERT_EQ(std::vector<std::uint32_t>(factor.list().begin(), factor.list().end()), expected_list);
    const int k = static_cast<int>(expected_list.size());
    Matrix sub(k, k);
    Eigen::VectorXd rhs(k);
    std::vector<double> b(a.rows()), z(a.rows(), -7.0), work(a.rows());
    for (int i = 0; i < a.rows(); ++i) b[i] = std::sin(1.0 + i);
    for (int r = 0; r < k; ++r) {
      rhs[r] = b[expected_list[r]];
      for (int c = 0; c < k; ++c) sub(r, c) = a(expected_list[r], expected_list[c]);
    }
    const Eigen::LLT<Matrix> llt(sub);
    const Eigen::VectorXd expected = llt.solve(rhs);
    factor.solve(b, z, work);
    for (int r = 0; r < k; ++r) EXPECT_NEAR(z[expected_list[r]], expected[r], 1e-10 * (1 + std::abs(expected[r])));
    const double log_det = 2.0 * llt.matrixLLT().diagonal().array().log().sum();
    EXPECT_NEAR(factor.log_det(k), log_det, 1e-10 * std::abs(log_det));
  }
};

std::vector<std::uint32_t> without(const std::vector<std::uint32_t>& list, const std::vector<std::uint8_t>& drop) {
  std::vector<std::uint32_t> out;
  for (std::size_t r = 0; r < list.size(); ++r)
    if (!drop[r]) out.push_back(list[r]);
  return out;
}

TEST(PassiveSetCholesky, AppendingInBlocksFactorsThePrincipalSubmatrix) {
  std::mt19937 rng(3);
  Fixture f(80, rng);
  std::vector<std::uint32_t> list = {5, 71, 0, 33, 12};
  ASSERT_TRUE(f.factor.append(list));
  f.expect_factor_of_list(list);
  std::vector<std::uint32_t> more;
  for (std::uint32_t i = 40; i < 70; ++i) more.push_back(i);
  ASSERT_TRUE(f.factor.append(more));
  list.insert(list.end(), more.begin(), more.end());
  f.expect_factor_of_list(list);
}

// Few drops late in the list take the rotations; many early ones the
// blocked refactorisation; more than one sweep's worth of late drops take
// several sweeps. Each must leave the factor of the remaining list.
TEST(PassiveSetCholesky, RemovingEntriesLeavesTheFactorOfTheRest) {
  std::mt19937 rng(5);
  const int n = 200;
  for (const char* pattern : {"few late", "many early", "many late", "every other"}) {
    Fixture f(n, rng);
    std::vector<std::uint32_t> list(n);
    for (int i = 0; i < n; ++i) list[i] = static_cast<std::uint32_t>((i * 37) % n);
    ASSERT_TRUE(f.factor.append(list));
    std::vector<std::uint8_t> drop(n, 0);
    const std::string p = pattern;
    for (int r = 0; r < n; ++r) {
      if (p == "few late") drop[r] = r == 150 || r == 190 || r == 3;
      if (p == "many early") drop[r] = r < 60 && r % 2 == 0;
      if (p == "many late") drop[r] = r >= 120 && r % 2 == 0;  // 40 drops: two sweeps
      if (p == "every other") drop[r] = r % 2 == 1;
    }
    ASSERT_TRUE(f.factor.remove(drop)) << pattern;
    list = without(list, drop);
    f.expect_factor_of_list(list);
    // ... and it goes on growing from there.
    const std::vector<std::uint32_t> back = {static_cast<std::uint32_t>((150 * 37) % n)};
    if (p == "few late") {
      ASSERT_TRUE(f.factor.append(back));
      list.push_back(back[0]);
      f.expect_factor_of_list(list);
    }
  }
}

TEST(PassiveSetCholesky, AFailedAppendLeavesTheListAsItWas) {
  std::mt19937 rng(9);
  Fixture f(30, rng);
  f.a.row(7) = f.a.row(3);  // index 7 duplicates index 3: {3, 7} is singular
  f.a.col(7) = f.a.col(3);
  const std::vector<std::uint32_t> list = {1, 3, 4};
  ASSERT_TRUE(f.factor.append(list));
  EXPECT_FALSE(f.factor.append(std::vector<std::uint32_t>{9, 7}));
  f.expect_factor_of_list(list);
}

}  // namespace
}  // namespace nslab
