#pragma once
// A pixelized source's regularization matrix H as the sparse matrix it is,
// with ln det H (docs/cpu-likelihoods.md, "Regularization"):
//  - Constant on the rectangular mesh: H = c^2 L + 1e-8 I with L the mesh's
//    4-neighbour graph Laplacian, five entries a row; its eigenvalues are
//    known in closed form, so ln det H costs one pass over them;
//  - ConstantSplit on the Delaunay mesh: H = c^2 G^T G + 1e-8 I, a few tens
//    of entries a row; ln det H from a sparse Cholesky factorisation
//    (CHOLMOD, fill-reducing AMD ordering).
// Either way the inversion adds H's entries to F, forms s^T H s from them,
// and takes ln det H from here, with no dense S x S copy of H.
#include <cstddef>
#include <cstdint>
#include <span>

#include <Eigen/Dense>

#include "core/workspace.hpp"

namespace nslab {

// The 1e-8 PyAutoArray adds to every regularization matrix's diagonal.
inline constexpr double kRegularizationRidge = 1e-8;

// H's lower triangle by columns (compressed sparse columns): column c holds
// rows row[column_begin[c] .. column_begin[c+1]), ascending, all >= c, with
// the diagonal first.
struct SparseRegularization {
  std::span<const std::uint32_t> column_begin;  // pixels() + 1 offsets
  std::span<const std::uint32_t> row;
  std::span<const double> value;
  double log_det = 0.0;            // ln det H
  bool positive_definite = true;   // false: H has no Cholesky factor (the fit is -inf)

  std::size_t pixels() const { return column_begin.empty() ? 0 : column_begin.size() - 1; }
  // s^T H s for the source values s (pixels() of them).
  double quadratic_form(std::span<const double> s) const;
  // Adds H to both triangles of the pixels() x pixels() block at `block`
  // of a column-major matrix with leading dimension `leading`.
  void add_to(double* block, std::size_t leading) const;
  // H as a dense matrix (tests, and callers that want the dense form).
  void to_dense(Eigen::Ref<Eigen::MatrixXd> h) const;
};

// Sums of (row, column, value) contributions into a SparseRegularization
// whose arrays live in a ScratchArena: add() any number of times (the
// upper triangle is folded onto the lower), then finish().
class SparseRegularizationAssembly {
 public:
  // Room for `pixels` columns and at most `contributions` add() calls.
  SparseRegularizationAssembly(std::size_t pixels, std::size_t contributions, ScratchArena& scratch);
  static std::size_t scratch_bytes(std::size_t pixels, std::size_t contributions);

  void add(std::uint32_t row, std::uint32_t column, double value);
  // Sorts and merges the contributions, adds `ridge` to every diagonal
  // entry (creating it where none was added) and returns H (log_det unset).
  SparseRegularization finish(double ridge);

 private:
  struct Entry {
    std::uint32_t row, column;
    double value;
  };
  std::size_t pixels_, count_ = 0;
  std::span<Entry> entries_, sorted_;
  std::span<std::uint32_t> column_begin_, row_;
  std::span<double> value_;
};

// ln det H from a sparse Cholesky factorisation (CHOLMOD's simplicial
// LL^T, AMD ordering); sets positive_definite to false (and log_det to 0)
// where H has no factor. CHOLMOD's working memory is allocated inside the
// call and released before it returns (not part of bytes_per_replica).
void set_log_det_by_sparse_cholesky(SparseRegularization& h);

}  // namespace nslab
