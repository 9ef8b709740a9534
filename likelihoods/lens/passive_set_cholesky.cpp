#include "likelihoods/lens/passive_set_cholesky.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "likelihoods/lens/blas_lapack.hpp"
#include "likelihoods/lens/few_rows_triangular_solve.hpp"

namespace nslab {

namespace {
// Dropped columns rotated in by one sweep; more drops take more sweeps.
constexpr std::size_t kSweepVectors = 32;
// A rotation updates two values per element of the trailing triangle, one
// dependent step after another; the blocked refactorisation does about this
// many multiply-adds in the same time (measured on the hst systems).
constexpr double kRotationCostInMultiplyAdds = 6.0;
// Up to this many new rows the few-rows solve beats the BLAS's (measured for
// factors of 500 and 1,300 rows: faster up to 48 rows, slower from 64).
constexpr std::size_t kFewRowsLimit = 32;
static_assert(kSweepVectors >= kFewRows, "the sweep vectors hold the few-rows solve's copy");
}  // namespace

std::size_t PassiveSetCholesky::scratch_bytes(std::size_t capacity) {
  return aligned_array_bytes<double>(capacity * capacity) + 2 * aligned_array_bytes<std::uint32_t>(capacity) +
         aligned_array_bytes<std::uint8_t>(capacity) + aligned_array_bytes<double>(capacity * kSweepVectors);
}

PassiveSetCholesky::PassiveSetCholesky(const double* a, std::size_t lda, std::size_t capacity,
                                       ScratchArena& scratch)
    : a_(a), lda_(lda), capacity_(capacity), factor_(scratch.take<double>(capacity * capacity)),
      list_(scratch.take<std::uint32_t>(capacity)), new_position_(scratch.take<std::uint32_t>(capacity)),
      drop_(scratch.take<std::uint8_t>(capacity)), vectors_(scratch.take<double>(capacity * kSweepVectors)) {}

bool PassiveSetCholesky::factor_trailing(std::size_t first, std::size_t with_left) {
  const std::size_t q = size_ - first;
  if (q == 0) return true;
  const std::size_t ld = capacity_;
  double* l = factor_.data();
  if (first > 0 && with_left < size_) {  // X = A[new, list[:first]] L11^-T for the new rows
    // A is symmetric: each new row's entries are read down its own column of
    // A (a(c, r) for c in the list), a few columns in all, rather than one
    // entry of every column in the list; in blocks of the list so the rows
    // written stay in cache.
    double* x = l + with_left;
    constexpr std::size_t kBlock = 64;
    for (std::size_t c0 = 0; c0 < first; c0 += kBlock)
      for (std::size_t r = with_left; r < size_; ++r) {
        const double* column = a_ + static_cast<std::size_t>(list_[r]) * lda_;
        for (std::size_t c = c0; c < std::min(first, c0 + kBlock); ++c) x[(r - with_left) + c * ld] = column[list_[c]];
      }
    const std::size_t rows = size_ - with_left;
    // Few rows: a solve that reads L in place (the BLAS packs it per call);
    // the sweep vectors, idle during an append, hold their copy.
    if (rows <= kFewRowsLimit)
      solve_few_rows_right_lower_transposed(rows, first, l, ld, x, ld, vectors_);
    else
      blas::solve_right_lower_transposed(rows, first, l, ld, x, ld);
  }
  double* s = l + first + first * ld;
  for (std::size_t c = 0; c < q; ++c)
    for (std::size_t r = c; r < q; ++r) s[r + c * ld] = a(list_[first + r], list_[first + c]);
  // S = A[trailing] - X X^T, then its Cholesky factor in place.
  if (first > 0) blas::rank_k_update_lower(q, first, -1.0, l + first, ld, 1.0, s, ld);
  return blas::cholesky_lower(s, q, ld);
}

bool PassiveSetCholesky::append(std::span<const std::uint32_t> indices) {
  if (size_ + indices.size() > capacity_) throw std::logic_error("PassiveSetCholesky: over capacity");
  const std::size_t first = size_;
  std::copy(indices.begin(), indices.end(), list_.begin() + first);
  size_ += indices.size();
  if (factor_trailing(first, first)) return true;
  size_ = first;
  return false;
}

// One left-to-right sweep from position `first` (the first flagged one)
// that folds in up to kSweepVectors flagged columns, in order: every later
// column is rotated by the dropped columns before it, exactly as removing
// them one at a time would do. Kept rows and columns then move up, their
// flags (drops left for the next sweep) with them. Returns how many
// flagged entries are left.
std::size_t PassiveSetCholesky::rotate_out(std::size_t first) {
  constexpr auto kGone = static_cast<std::uint32_t>(-1);
  const std::size_t n = size_, ld = capacity_;
  double* l = factor_.data();
  std::size_t active = 0, kept = first, left = 0;
  for (std::size_t j = first; j < n; ++j) {
    const bool dropped = drop_[j] != 0 && active < kSweepVectors;
    left += drop_[j] != 0 && !dropped;
    new_position_[j] = dropped ? kGone : static_cast<std::uint32_t>(kept++);
    double* col = l + j + j * ld;  // col[0] = L_jj, col[i] = L_{j+i, j}
    const std::size_t length = n - j;
    for (std::size_t u = 0; u < active; ++u) {
      double* x = vectors_.data() + u * ld + j;  // x[0] = x_j
      const double xj = x[0];
      if (xj == 0.0) continue;
      const double ljj = col[0], r = std::sqrt(ljj * ljj + xj * xj);
      const double c = r / ljj, s = xj / ljj, inverse_c = ljj / r;
      col[0] = r;
      for (std::size_t i = 1; i < length; ++i) {
        const double updated = (col[i] + s * x[i]) * inverse_c;
        x[i] = c * x[i] - s * updated;
        col[i] = updated;
      }
    }
    if (dropped) std::copy(col + 1, col + length, vectors_.data() + (active++) * ld + j + 1);
  }
  // Destinations never lie after their sources: one increasing pass is safe.
  for (std::size_t j = 0; j < n; ++j) {
    const std::size_t column = j < first ? j : new_position_[j];
    if (j >= first && new_position_[j] == kGone) continue;
    for (std::size_t i = std::max(j, first); i < n; ++i)
      if (new_position_[i] != kGone) l[new_position_[i] + column * ld] = l[i + j * ld];
  }
  for (std::size_t j = first; j < n; ++j)
    if (new_position_[j] != kGone) {
      list_[new_position_[j]] = list_[j];
      drop_[new_position_[j]] = drop_[j];
    }
  size_ = kept;
  return left;
}

bool PassiveSetCholesky::remove(std::span<const std::uint8_t> drop) {
  std::size_t first = 0;
  while (first < size_ && drop[first] == 0) ++first;
  if (first == size_) return true;
  // Work of each way, in multiply-adds: the rotations touch the trailing
  // triangle once per dropped column (two updates for each of its
  // (size - r)^2 / 2 elements); the refactorisation is a rank-`first`
  // update of the kept trailing block and its Cholesky factorisation.
  double rotations = 0.0;
  std::size_t dropped = 0;
  for (std::size_t r = first; r < size_; ++r)
    if (drop[r] != 0) {
      const double trailing = static_cast<double>(size_ - r);
      rotations += trailing * trailing;
      ++dropped;
    }
  const double q = static_cast<double>(size_ - first - dropped);
  const double refactor = q * q * static_cast<double>(first) / 2.0 + q * q * q / 6.0;
  if (kRotationCostInMultiplyAdds * rotations < refactor) {
    std::copy(drop.begin(), drop.begin() + size_, drop_.begin());
    for (;;) {
      if (rotate_out(first) == 0) return true;
      first = 0;
      while (drop_[first] == 0) ++first;
    }
  }
  // Keep the rows before `first` and the left parts of the kept rows after it.
  std::size_t kept = first;
  for (std::size_t r = first; r < size_; ++r) {
    if (drop[r] != 0) continue;
    if (kept != r) {
      list_[kept] = list_[r];
      for (std::size_t c = 0; c < first; ++c) factor_[kept + c * capacity_] = factor_[r + c * capacity_];
    }
    ++kept;
  }
  size_ = kept;
  return factor_trailing(first, size_);
}

void PassiveSetCholesky::solve(std::span<const double> b, std::span<double> z,
                               std::span<double> work) const {
  for (std::size_t r = 0; r < size_; ++r) work[r] = b[list_[r]];
  blas::solve_lower(false, size_, factor_.data(), capacity_, work.data());
  blas::solve_lower(true, size_, factor_.data(), capacity_, work.data());
  for (std::size_t r = 0; r < size_; ++r) z[list_[r]] = work[r];
}

double PassiveSetCholesky::log_det(std::size_t count) const {
  double sum = 0.0;
  for (std::size_t r = 0; r < count; ++r) sum += std::log(factor_[r + r * capacity_]);
  return 2.0 * sum;
}

}  // namespace nslab
