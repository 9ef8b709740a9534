#pragma once
// x = x L^-T for lower-triangular L (n x n) and an x of few rows (m x n,
// column-major, leading dimension ldx): the new rows of a growing Cholesky
// factor (PassiveSetCholesky's appends). The BLAS's triangular solve packs
// L for every call, which for a handful of rows costs several times the
// arithmetic: measured for n = 1,300 with the rows in place in a
// 1,541-row factor, OpenBLAS 0.3.21 took 2.7-3.7 ms for m = 1-8 against
// 0.55-1.03 ms here (docs/cpu-likelihoods.md, "Positive-only solve").
//
// Each row is solved on its own (rows do not interact), eight at a time
// from a contiguous copy: column c of the copy is x_c = (x_c - sum_{k<c}
// L[c, k] x_k) / L[c, c], the columns finished four at a time and then
// subtracted from all later columns with one pass over L's four columns.
#include <cstddef>
#include <span>

namespace nslab {

inline constexpr std::size_t kFewRows = 8;

// buffer: at least kFewRows * n doubles.
void solve_few_rows_right_lower_transposed(std::size_t m, std::size_t n, const double* l, std::size_t ldl,
                                           double* x, std::size_t ldx, std::span<double> buffer);

}  // namespace nslab
