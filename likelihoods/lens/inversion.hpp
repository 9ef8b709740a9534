#pragma once
// The linear inversion shared by the MGE and pixelized sources
// (docs/inversions.md), in three steps so the dense and the sparse (w-tilde)
// formulations share the solve and the evidence:
//
//  1. normal equations: F = (B/sigma)^T (B/sigma), D = B^T (d/sigma^2), from
//     the PSF-blurred columns B of the linear objects
//     (dense_normal_equations; the sparse path forms F = M^T W M itself);
//  2. solve_inversion: adds 1e-3 to F's diagonal for every unregularized
//     parameter and H on the regularized block, solves (F + H) s = D with
//     s >= 0 (FNNLS, Bro & de Jong 1997), and forms s^T H s and the two
//     Cholesky log-determinants on the regularized (mapper) block;
//  3. chi-squared of the model B s (dense_chi_squared), then fit_parts.
//
// Parameter order follows PyAutoArray: linear light profiles first, then the
// mapper's source pixels, so the regularized block is [begin, begin + count).
// Every step takes its working memory from the ScratchArena it is handed;
// inversion_scratch_bytes says how much solve_inversion takes.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/workspace.hpp"
#include "likelihoods/lens/column_gram.hpp"

namespace nslab {

// PyAutoArray's Settings.no_regularization_add_to_curvature_diag_value.
inline constexpr double kUnregularizedCurvatureDiagonal = 1e-3;

struct LinearParameterLayout {
  std::size_t parameters = 0;          // S
  std::size_t regularized_begin = 0;   // the mapper block starts here ...
  std::size_t regularized_count = 0;   // ... and has this many; 0 = no regularization
  // Parameters held at zero by the solve (edge-zeroed source pixels), ascending.
  // They stay in the regularized block for s^T H s and both log-determinants,
  // as in PyAutoArray.
  std::vector<std::uint32_t> excluded;

  bool regularized() const { return regularized_count > 0; }
};

struct InversionSolution {
  bool solved = false;  // false: a Cholesky factorisation failed (figure of merit -inf)
  double regularization_term = 0.0;         // s^T H s on the block
  double log_det_curvature_reg = 0.0;       // ln det (F + H) on the block
  double log_det_regularization = 0.0;      // ln det H on the block
  std::size_t solver_iterations = 0;
};

// Scratch that solve_inversion takes [bytes].
std::size_t inversion_scratch_bytes(const LinearParameterLayout& layout);

// curvature: S x S column-major F on entry (symmetric; 1e-3 and H not yet
// added); on return it holds F + H with the 1e-3 diagonal. regularization:
// H of the block, count x count column-major (empty when unregularized).
// reconstruction: S values out.
InversionSolution solve_inversion(const LinearParameterLayout& layout, std::span<double> curvature,
                                  std::span<const double> data_vector,
                                  std::span<const double> regularization,
                                  std::span<double> reconstruction, ScratchArena& scratch);

// solve_inversion with H sparse and ln det H known (a pixelized source's,
// pixelization/sparse_regularization.hpp): no dense copy of H is formed.
struct SparseRegularization;
InversionSolution solve_regularized_inversion(const LinearParameterLayout& layout,
                                              std::span<double> curvature,
                                              std::span<const double> data_vector,
                                              const SparseRegularization& regularization,
                                              std::span<double> reconstruction, ScratchArena& scratch);

// Non-negative least squares on the normal equations: minimises
// s^T A s / 2 - b^T s over s >= 0 for a symmetric positive-definite A (k x k,
// column-major). Exposed for tests. Returns false if a factorisation failed.
bool fnnls(std::span<const double> a, std::span<const double> b, std::span<double> s,
           ScratchArena& scratch, std::size_t* iterations = nullptr);
std::size_t fnnls_scratch_bytes(std::size_t k);

// Step 1, dense: columns is N x S row-major (pixel-major) and is scaled in
// place by 1/sigma (so step 3 needs no copy). `data` is the data minus any
// fixed (non-linear) model image. Real = float keeps the columns and the
// product (B/sigma)^T (B/sigma) in single precision, as PyAutoArray's mixed
// precision does, and casts F to double; D is accumulated in double.
template <class Real>
void dense_normal_equations(std::span<Real> columns, std::size_t parameters,
                            std::span<const double> data, std::span<const double> noise_map,
                            std::span<double> curvature, std::span<double> data_vector,
                            ScratchArena& scratch);
template <class Real>
std::size_t dense_normal_equations_scratch_bytes(std::size_t parameters);

// Step 3, dense: sum_i (d_i/sigma_i - sum_j (B/sigma)_ij s_j)^2, in double.
template <class Real>
double dense_chi_squared(std::span<const Real> scaled_columns, std::size_t parameters,
                         std::span<const double> data, std::span<const double> noise_map,
                         std::span<const double> reconstruction);

// Steps 1 and 3 for B stored column by column (column j at
// columns[j * pixels]), as the MGE likelihood blurs it one Gaussian at a
// time. Step 1 comes in two parts so that each column is scaled while the
// blurring has just left it in cache: scale_column scales one column by
// 1/sigma in place and returns its entry of D, summed in two registers'
// lanes (pixel i in lane i mod 2L, L lanes a register; each register's
// lanes then added by lane_sum, and the two sums); then
// curvature_from_scaled_columns forms F = (B/sigma)^T (B/sigma) by
// column_gram_lower (in Real, cast to double, as dense_normal_equations).
// `nonzero`, when given, is where the column may be nonzero: only the
// registers that overlap it are visited, the bits being those of the whole
// column (the zeros skipped would add +-0 to sums that start at +0).
template <class Real>
double scale_column(std::span<Real> column, std::span<const double> inverse_sigma,
                    std::span<const double> weighted_data, std::optional<NonzeroRange> nonzero = {});
// `nonzero` (optional, one per column): where each column may be nonzero,
// which column_gram_lower uses to skip zeros (the same bits).
template <class Real>
void curvature_from_scaled_columns(std::span<const Real> columns, std::size_t parameters,
                                   std::span<double> curvature, ScratchArena& scratch,
                                   std::span<const NonzeroRange> nonzero = {});
// Scratch of curvature_from_scaled_columns.
template <class Real>
std::size_t curvature_from_scaled_columns_scratch_bytes(std::size_t parameters);
// Scratch: the model image, pixels doubles. `nonzero` (optional, one per
// column) as for curvature_from_scaled_columns: the same bits, fewer adds.
template <class Real>
double dense_chi_squared_by_column(std::span<const Real> scaled_columns, std::size_t parameters,
                                   std::span<const double> data, std::span<const double> noise_map,
                                   std::span<const double> reconstruction, ScratchArena& scratch,
                                   std::span<const NonzeroRange> nonzero = {});

// sum_i ln(2 pi sigma_i^2).
double noise_normalization(std::span<const double> noise_map);

struct FitParts {
  double chi_squared = 0.0, noise_normalization = 0.0;
  double regularization_term = 0.0, log_det_curvature_reg = 0.0, log_det_regularization = 0.0;
  double log_likelihood = 0.0;  // -1/2 (chi^2 + noise normalisation)
  double log_evidence = 0.0;    // -1/2 (chi^2 + s^T H s + ln det(F+H) - ln det H + noise norm.)
  double figure_of_merit = 0.0; // log_evidence when regularized, else log_likelihood
  bool regularized = false;
};
FitParts fit_parts(double chi_squared, double noise_normalization,
                   const InversionSolution& solution, bool regularized);

}  // namespace nslab
