#include "likelihoods/lens/few_rows_triangular_solve.hpp"

#include <stdexcept>

namespace nslab {

namespace {

// t (n x M, row r of x in lane r: t[r + c * M]) = t L^-T.
template <std::size_t M>
void solve_block(std::size_t n, const double* l, std::size_t ldl, double* t) {
  std::size_t c = 0;
  for (; c + 4 <= n; c += 4) {
    double done[4][M];
    for (std::size_t u = 0; u < 4; ++u) {
      for (std::size_t r = 0; r < M; ++r) done[u][r] = t[r + (c + u) * M];
      for (std::size_t w = 0; w < u; ++w) {
        const double lw = l[(c + u) + (c + w) * ldl];
        for (std::size_t r = 0; r < M; ++r) done[u][r] -= lw * done[w][r];
      }
      const double diagonal = l[(c + u) + (c + u) * ldl];
      for (std::size_t r = 0; r < M; ++r) done[u][r] /= diagonal, t[r + (c + u) * M] = done[u][r];
    }
    const double* l0 = l + c * ldl;
    const double* l1 = l0 + ldl;
    const double* l2 = l1 + ldl;
    const double* l3 = l2 + ldl;
    for (std::size_t k = c + 4; k < n; ++k) {
      double* tk = t + k * M;
      const double a0 = l0[k], a1 = l1[k], a2 = l2[k], a3 = l3[k];
      for (std::size_t r = 0; r < M; ++r)
        tk[r] -= a0 * done[0][r] + a1 * done[1][r] + a2 * done[2][r] + a3 * done[3][r];
    }
  }
  for (; c < n; ++c) {
    const double diagonal = l[c + c * ldl];
    for (std::size_t r = 0; r < M; ++r) t[r + c * M] /= diagonal;
    for (std::size_t k = c + 1; k < n; ++k)
      for (std::size_t r = 0; r < M; ++r) t[r + k * M] -= l[k + c * ldl] * t[r + c * M];
  }
}

template <std::size_t M>
void solve_rows(std::size_t n, const double* l, std::size_t ldl, double* x, std::size_t ldx, double* t) {
  for (std::size_t c = 0; c < n; ++c)
    for (std::size_t r = 0; r < M; ++r) t[r + c * M] = x[r + c * ldx];
  solve_block<M>(n, l, ldl, t);
  for (std::size_t c = 0; c < n; ++c)
    for (std::size_t r = 0; r < M; ++r) x[r + c * ldx] = t[r + c * M];
}

using SolveRows = void (*)(std::size_t, const double*, std::size_t, double*, std::size_t, double*);
constexpr SolveRows kSolveRows[kFewRows + 1] = {nullptr,        solve_rows<1>, solve_rows<2>,
                                                 solve_rows<3>, solve_rows<4>, solve_rows<5>,
                                                 solve_rows<6>, solve_rows<7>, solve_rows<8>};

}  // namespace

void solve_few_rows_right_lower_transposed(std::size_t m, std::size_t n, const double* l, std::size_t ldl,
                                           double* x, std::size_t ldx, std::span<double> buffer) {
  if (buffer.size() < kFewRows * n) throw std::logic_error("solve_few_rows: buffer too small");
  for (std::size_t r0 = 0; r0 < m; r0 += kFewRows) {
    const std::size_t rows = m - r0 < kFewRows ? m - r0 : kFewRows;
    kSolveRows[rows](n, l, ldl, x + r0, ldx, buffer.data());
  }
}

}  // namespace nslab
