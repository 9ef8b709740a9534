#include "likelihoods/lens/pixelization/sparse_regularization.hpp"

#include <cholmod.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace nslab {

double SparseRegularization::quadratic_form(std::span<const double> s) const {
  double sum = 0.0;
  for (std::size_t c = 0; c < pixels(); ++c) {
    std::uint32_t e = column_begin[c];
    sum += value[e] * s[c] * s[c];  // the diagonal comes first
    double off_diagonal = 0.0;
    for (++e; e < column_begin[c + 1]; ++e) off_diagonal += value[e] * s[row[e]];
    sum += 2.0 * off_diagonal * s[c];
  }
  return sum;
}

void SparseRegularization::add_to(double* block, std::size_t leading) const {
  for (std::size_t c = 0; c < pixels(); ++c) {
    std::uint32_t e = column_begin[c];
    block[c + c * leading] += value[e];
    for (++e; e < column_begin[c + 1]; ++e) {
      block[row[e] + c * leading] += value[e];
      block[c + row[e] * leading] += value[e];
    }
  }
}

void SparseRegularization::to_dense(Eigen::Ref<Eigen::MatrixXd> h) const {
  h.setZero();
  add_to(h.data(), static_cast<std::size_t>(h.outerStride()));
}

SparseRegularizationAssembly::SparseRegularizationAssembly(std::size_t pixels, std::size_t contributions,
                                                           ScratchArena& scratch)
    : pixels_(pixels), entries_(scratch.take<Entry>(contributions + pixels)),
      sorted_(scratch.take<Entry>(contributions + pixels)),
      column_begin_(scratch.take<std::uint32_t>(pixels + 1)),
      row_(scratch.take<std::uint32_t>(contributions + pixels)),
      value_(scratch.take<double>(contributions + pixels)) {}

std::size_t SparseRegularizationAssembly::scratch_bytes(std::size_t pixels, std::size_t contributions) {
  const std::size_t entries = contributions + pixels;  // + one ridge entry per diagonal
  return 2 * aligned_array_bytes<Entry>(entries) + aligned_array_bytes<std::uint32_t>(pixels + 1) +
         aligned_array_bytes<std::uint32_t>(entries) + aligned_array_bytes<double>(entries);
}

void SparseRegularizationAssembly::add(std::uint32_t row, std::uint32_t column, double value) {
  if (count_ + pixels_ >= entries_.size())
    throw std::logic_error("SparseRegularizationAssembly: more contributions than declared");
  entries_[count_++] = row >= column ? Entry{row, column, value} : Entry{column, row, value};
}

SparseRegularization SparseRegularizationAssembly::finish(double ridge) {
  for (std::uint32_t c = 0; c < pixels_; ++c) entries_[count_++] = {c, c, ridge};
  // Counting sort by column, then each column's entries by row; equal
  // (row, column) pairs are then adjacent and summed in the order added.
  std::fill(column_begin_.begin(), column_begin_.end(), 0u);
  for (std::size_t e = 0; e < count_; ++e) ++column_begin_[entries_[e].column + 1];
  for (std::size_t c = 0; c < pixels_; ++c) column_begin_[c + 1] += column_begin_[c];
  for (std::size_t e = 0; e < count_; ++e) sorted_[column_begin_[entries_[e].column]++] = entries_[e];
  std::uint32_t start = 0, out = 0;
  for (std::size_t c = 0; c < pixels_; ++c) {
    const std::uint32_t end = column_begin_[c];
    std::stable_sort(sorted_.begin() + start, sorted_.begin() + end,
                     [](const Entry& a, const Entry& b) { return a.row < b.row; });
    column_begin_[c] = out;
    for (std::uint32_t e = start; e < end; ++e) {
      if (out > column_begin_[c] && row_[out - 1] == sorted_[e].row) {
        value_[out - 1] += sorted_[e].value;
      } else {
        row_[out] = sorted_[e].row;
        value_[out++] = sorted_[e].value;
      }
    }
    start = end;
  }
  column_begin_[pixels_] = out;
  SparseRegularization h;
  h.column_begin = column_begin_;
  h.row = row_.first(out);
  h.value = value_.first(out);
  return h;
}

void set_log_det_by_sparse_cholesky(SparseRegularization& h) {
  const std::size_t n = h.pixels();
  cholmod_common common;
  cholmod_start(&common);
  common.print = 0;  // a matrix that is not positive definite is an answer here, not an error
  common.nmethods = 1;
  common.method[0].ordering = CHOLMOD_AMD;
  common.supernodal = CHOLMOD_SIMPLICIAL;
  common.final_ll = 1;
  cholmod_sparse a{};
  a.nrow = a.ncol = n;
  a.nzmax = h.row.size();
  // CHOLMOD does not write its input: the const_casts only fit its C API.
  a.p = const_cast<std::uint32_t*>(h.column_begin.data());
  a.i = const_cast<std::uint32_t*>(h.row.data());
  a.x = const_cast<double*>(h.value.data());
  a.stype = -1;  // symmetric, lower triangle stored
  a.itype = CHOLMOD_INT;
  a.xtype = CHOLMOD_REAL;
  a.dtype = CHOLMOD_DOUBLE;
  a.sorted = 1;
  a.packed = 1;
  cholmod_factor* factor = cholmod_analyze(&a, &common);
  h.positive_definite = factor != nullptr && cholmod_factorize(&a, factor, &common) != 0 &&
                        common.status == CHOLMOD_OK && factor->minor == n;
  h.log_det = 0.0;
  if (h.positive_definite) {
    const int* column = static_cast<const int*>(factor->p);
    const double* value = static_cast<const double*>(factor->x);
    double sum = 0.0;
    for (std::size_t j = 0; j < n; ++j) sum += std::log(value[column[j]]);  // L_jj leads its column
    h.log_det = 2.0 * sum;
    h.positive_definite = std::isfinite(h.log_det);
    if (!h.positive_definite) h.log_det = 0.0;
  }
  cholmod_free_factor(&factor, &common);
  cholmod_finish(&common);
}

}  // namespace nslab
