#pragma once
// The Cholesky factor L L^T = A[list, list] of a principal submatrix of a
// symmetric positive-definite matrix A, for a list of indices that grows and
// shrinks: what an active-set solve of the positive-only normal equations
// needs (docs/cpu-likelihoods.md, "Positive-only solve").
//
//  - append(indices): the new rows of L from the ones already there, as
//    blocks: X = A[new, list] L^-T (triangular solve), then the Cholesky
//    factor of A[new, new] - X X^T. A leading block's factor is the leading
//    block of the factor, so nothing already factored is touched.
//  - remove(flags): dropping entry r leaves the rows before r as they are;
//    the trailing block L33 becomes the factor of L33 L33^T + l l^T (l the
//    dropped column below r), a rank-one update done with Givens-like
//    rotations (O(size^2), no refactorisation). Several dropped entries are
//    folded in by one left-to-right sweep. Where that would cost more than
//    refactorising the trailing block with blocked operations (many drops
//    near the front), the trailing block is refactorised instead.
//  - solve, and the log-determinant of any leading block.
//
// All storage is taken from a ScratchArena at construction (scratch_bytes).
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/workspace.hpp"

namespace nslab {

class PassiveSetCholesky {
 public:
  // Up to `capacity` entries; A is column-major with leading dimension `lda`
  // and holds both triangles.
  PassiveSetCholesky(const double* a, std::size_t lda, std::size_t capacity, ScratchArena& scratch);
  static std::size_t scratch_bytes(std::size_t capacity);

  std::size_t size() const { return size_; }
  std::span<const std::uint32_t> list() const { return {list_.data(), size_}; }

  // Appends the indices (not in the list yet) and factors their rows. False
  // if A[list, list] is then not numerically positive definite; the list is
  // then as it was before the call.
  bool append(std::span<const std::uint32_t> indices);
  // Removes the entries at the positions r < size() where drop[r] != 0,
  // keeping the order of the others. False if a refactorisation found the
  // remaining block not positive definite (the factor is then unusable).
  bool remove(std::span<const std::uint8_t> drop);
  // Starts over, empty, on another matrix (at most capacity indices).
  void reset(const double* a, std::size_t lda) { a_ = a, lda_ = lda, size_ = 0; }
  // Forgets the trailing entries from position `count` on (no arithmetic).
  void truncate(std::size_t count) { size_ = count < size_ ? count : size_; }

  // z[list[r]] = (A[list, list]^-1 b[list])[r] for every entry; other
  // entries of z are left as they are. `work`: size() values.
  void solve(std::span<const double> b, std::span<double> z, std::span<double> work) const;
  // ln det A[list[:count], list[:count]] = 2 sum of ln L_rr over r < count.
  double log_det(std::size_t count) const;

 private:
  double* column(std::size_t c) { return factor_.data() + c * capacity_; }
  double a(std::uint32_t i, std::uint32_t j) const { return a_[i + j * lda_]; }
  // Rows [first, size_) of L given rows [0, first) and, for the rows
  // [first, with_left), their columns [0, first) already (kept rows).
  bool factor_trailing(std::size_t first, std::size_t with_left);
  std::size_t rotate_out(std::size_t first);

  const double* a_;
  std::size_t lda_, capacity_, size_ = 0;
  std::span<double> factor_;           // L, capacity x capacity, column-major
  std::span<std::uint32_t> list_;
  std::span<std::uint32_t> new_position_;  // where each entry moves when others are removed
  std::span<std::uint8_t> drop_;           // removals still to do
  std::span<double> vectors_;          // the dropped columns while they are rotated in
};

}  // namespace nslab
