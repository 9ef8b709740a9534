#include "likelihoods/lens/few_rows_triangular_solve.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace nslab {
namespace {

// x L^T must give back the right-hand side, for every row count up to and
// past a block of kFewRows, and factor sides below, at and past the
// four-column steps; rows beyond m and columns beyond n stay untouched.
TEST(FewRowsTriangularSolve, SolvesXLTransposedEqualsB) {
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  for (std::size_t n : {1u, 3u, 4u, 7u, 64u, 301u})
    for (std::size_t m : {1u, 2u, 5u, 8u, 9u, 17u, 32u}) {
      const std::size_t ldl = n + 3, ldx = m + 5;
      std::vector<double> l(ldl * n, 0.0), b(ldx * (n + 1)), buffer(kFewRows * n);
      for (std::size_t c = 0; c < n; ++c) {
        for (std::size_t r = c + 1; r < n; ++r) l[r + c * ldl] = 0.2 * u(rng);
        l[c + c * ldl] = 1.0 + std::abs(u(rng));
      }
      for (double& v : b) v = u(rng);
      std::vector<double> x = b;
      solve_few_rows_right_lower_transposed(m, n, l.data(), ldl, x.data(), ldx, buffer);
      for (std::size_t r = 0; r < ldx; ++r)
        for (std::size_t c = 0; c <= n; ++c) {
          if (r >= m || c == n) {
            ASSERT_EQ(x[r + c * ldx], b[r + c * ldx]) << "outside the solve: (" << r << ", " << c << ")";
            continue;
          }
          double back = 0.0;  // (x L^T)[r, c] = sum_k x[r, k] L[c, k], k <= c
          for (std::size_t k = 0; k <= c; ++k) back += x[r + k * ldx] * l[c + k * ldl];
          ASSERT_NEAR(back, b[r + c * ldx], 1e-12) << "m " << m << " n " << n << " (" << r << ", " << c << ")";
        }
    }
}

TEST(FewRowsTriangularSolve, RefusesATooSmallBuffer) {
  std::vector<double> l(4, 1.0), x(4, 1.0), buffer(kFewRows * 2 - 1);
  EXPECT_THROW(solve_few_rows_right_lower_transposed(1, 2, l.data(), 2, x.data(), 1, buffer), std::logic_error);
}

}  // namespace
}  // namespace nslab
