#include "likelihoods/lens/inversion.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <numbers>

#include "core/phase_profile.hpp"
#include "likelihoods/lens/blas_lapack.hpp"
#include "likelihoods/lens/column_gram.hpp"
#include "likelihoods/lens/passive_set_cholesky.hpp"
#include "likelihoods/lens/pixelization/sparse_regularization.hpp"
#include "likelihoods/lens/vector_register.hpp"

namespace nslab {

namespace {

using Matrix = Eigen::MatrixXd;
using Vector = Eigen::VectorXd;

// State of each index of the matrix in the positive-only solve.
enum : std::uint8_t { kActive = 0, kPassive = 1, kRefused = 2, kHeld = 3 };

// Buffers of one positive-only solve over a matrix of `capacity` indices.
struct FnnlsWorkspace {
  PassiveSetCholesky factor;
  std::span<double> z, w, work;
  std::span<std::uint32_t> added;  // the last outer step's additions
  std::span<std::uint8_t> state, drop;

  FnnlsWorkspace(const double* a, std::size_t capacity, ScratchArena& scratch)
      : factor(a, capacity, capacity, scratch), z(scratch.take<double>(capacity)),
        w(scratch.take<double>(capacity)), work(scratch.take<double>(capacity)),
        added(scratch.take<std::uint32_t>(capacity)), state(scratch.take<std::uint8_t>(capacity)),
        drop(scratch.take<std::uint8_t>(capacity)) {}
  static std::size_t bytes(std::size_t capacity) {
    return PassiveSetCholesky::scratch_bytes(capacity) + 3 * aligned_array_bytes<double>(capacity) +
           aligned_array_bytes<std::uint32_t>(capacity) + 2 * aligned_array_bytes<std::uint8_t>(capacity);
  }
};

// Bro & de Jong's fast NNLS on the normal equations (A = Z^T Z, b = Z^T x)
// over the indices of A not held at zero (state kHeld), warm-started like
// PyAutoArray's fnnls_cholesky from the sign of the unconstrained solution.
// On entry ws.factor holds A[list, list] for every solved-for index (in any
// order), or nothing when that factorisation failed (a cold start). s is
// indexed like A's rows (0 where held). The minimiser is unique for
// positive-definite A, so any correct active-set path reaches the same s;
// the factor follows the passive set by appending rows and rotating out
// dropped ones (passive_set_cholesky.hpp), never refactorising it whole.
bool fnnls_solve(const double* a, std::size_t n, std::span<const double> b, std::span<double> s,
                 FnnlsWorkspace& ws, std::size_t* iterations) {
  std::size_t k = 0;
  double b_max = 0.0;
  for (std::size_t i = 0; i < n; ++i)
    if (ws.state[i] != kHeld) ++k, b_max = std::max(b_max, std::abs(b[i]));
  const double epsilon = 2.2204e-16;
  const double tolerance = epsilon * static_cast<double>(k);  // on s, as PyAutoArray
  const double gradient_tolerance = tolerance * std::max(1.0, b_max);
  PassiveSetCholesky& factor = ws.factor;
  std::size_t count = 0;
  auto solve = [&] {
    factor.solve(b, ws.z, ws.work);
    ++count;
  };
  // Drops the passive entries whose value fails `keep`, marking them active.
  auto drop_where = [&](auto&& keep) -> bool {
    bool any = false;
    const auto list = factor.list();
    for (std::size_t r = 0; r < list.size(); ++r) {
      ws.drop[r] = keep(list[r]) ? 0 : 1;
      if (ws.drop[r] != 0) ws.state[list[r]] = kActive, any = true;
    }
    return !any || factor.remove(ws.drop.first(list.size()));
  };

  std::fill(s.begin(), s.end(), 0.0);
  if (factor.size() > 0) {
    solve();
    for (std::uint32_t i : factor.list()) ws.state[i] = kPassive;
    if (!drop_where([&](std::uint32_t i) { return ws.z[i] > 0.0; })) return false;
    // Repair the warm start: drop every non-positive entry and re-solve.
    while (factor.size() > 0) {
      solve();
      bool dropped = false;
      for (std::uint32_t i : factor.list()) dropped = dropped || ws.z[i] <= tolerance;
      if (!dropped) break;
      if (!drop_where([&](std::uint32_t i) { return ws.z[i] > tolerance; })) return false;
    }
    for (std::uint32_t i : factor.list()) s[i] = ws.z[i];
  }

  Eigen::Map<const Vector> x(s.data(), static_cast<Eigen::Index>(n));
  // Each outer step adds up to `take` of the indices whose gradient is
  // positive, the largest first, not only the largest (Bro & de Jong): the
  // warm start's repair can drop hundreds that come back one solve each
  // (rectangular hst: 771 solves -> 85; Delaunay: 150 -> 57). The inner
  // loop only steps downhill, so when some added index stays passive the
  // objective fell and no face repeats; then `take` doubles. When none
  // stays, or the block they make is numerically singular (they are taken
  // back), `take` is quartered, down to Bro & de Jong's one index, which
  // always makes progress. The minimiser is unique, so the path does not
  // change the answer.
  std::size_t take = k;
  const std::size_t max_outer = 30 * k + 10;
  for (std::size_t outer = 0; outer < max_outer; ++outer) {
    // The gradient b - A x is only read at the active indices: there it is
    // b_i - A[:, i] . x (A symmetric), a contiguous column each.
    std::size_t candidates = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (ws.state[i] != kActive) continue;
      ws.w[i] = b[i] - Eigen::Map<const Vector>(a + i * n, static_cast<Eigen::Index>(n)).dot(x);
      if (ws.w[i] > gradient_tolerance) ws.added[candidates++] = static_cast<std::uint32_t>(i);
    }
    if (candidates == 0) break;
    const std::size_t added = std::min(take, candidates);
    auto larger_gradient = [&](std::uint32_t i, std::uint32_t j) {
      return ws.w[i] > ws.w[j] || (ws.w[i] == ws.w[j] && i < j);
    };
    std::nth_element(ws.added.begin(), ws.added.begin() + (added - 1), ws.added.begin() + candidates,
                     larger_gradient);
    const std::size_t best = ws.added[0];
    const bool single = added == 1;
    bool reverted = false;
    // Many columns at once can make the passive block numerically
    // singular where one at a time would not: then none is added.
    if (!factor.append(ws.added.first(added))) {
      if (single) return false;
      reverted = true;
    } else {
      for (std::size_t r = 0; r < added; ++r) ws.state[ws.added[r]] = kPassive;
      for (std::size_t inner = 0;; ++inner) {
        solve();
        // Added entries not moved yet (s = 0, only those: every other
        // passive entry is positive) whose solution is not positive would
        // stop the step at length zero, and the step would then drop the
        // whole block. Take only them back out and solve again from the
        // same feasible s: as if the block had been added without them
        // (Delaunay hst bench:0: 10 appends of 1,052 rows in all -> 6 of 523;
        // NNLS over bench:0-11, Delaunay 782 -> 536 ms, rectangular 666 -> 470).
        // Each pass drops at least one entry, so this ends without the
        // inner-step limit below.
        if (!single) {
          bool blocked = false;
          for (std::uint32_t i : factor.list()) blocked = blocked || (s[i] == 0.0 && ws.z[i] <= tolerance);
          if (blocked) {
            if (!drop_where([&](std::uint32_t i) { return s[i] > 0.0 || ws.z[i] > tolerance; })) return false;
            if (factor.size() == 0) break;
            continue;
          }
        }
        double alpha = 2.0;
        for (std::uint32_t i : factor.list())
          if (ws.z[i] <= tolerance) alpha = std::min(alpha, s[i] / (s[i] - ws.z[i]));
        if (alpha > 1.0) {  // z is feasible: accept it
          for (std::uint32_t i : factor.list()) s[i] = ws.z[i];
          break;
        }
        for (std::uint32_t i : factor.list()) {
          s[i] += alpha * (ws.z[i] - s[i]);
          if (s[i] <= tolerance) s[i] = 0.0;
        }
        // A lone entry just added whose step length is zero is a round-off
        // gradient: refuse it for good, or the loop would re-add it forever.
        const bool refuse = single && alpha == 0.0 && s[best] == 0.0;
        if (!drop_where([&](std::uint32_t i) { return s[i] > 0.0; })) return false;
        if (refuse) ws.state[best] = kRefused;
        if (inner > 3 * k + 10 || factor.size() == 0) {
          for (std::uint32_t i : factor.list()) s[i] = std::max(0.0, s[i]);
          break;
        }
      }
    }
    bool kept = false;
    for (std::size_t r = 0; r < added && !kept; ++r) kept = ws.state[ws.added[r]] == kPassive;
    take = (kept || single) && !reverted ? 2 * added : std::max<std::size_t>(1, added / 4);
  }
  if (iterations != nullptr) *iterations = count;
  return true;
}

}  // namespace

std::size_t fnnls_scratch_bytes(std::size_t k) { return FnnlsWorkspace::bytes(k); }

bool fnnls(std::span<const double> a, std::span<const double> b, std::span<double> s,
           ScratchArena& scratch, std::size_t* iterations) {
  const std::size_t k = b.size();
  FnnlsWorkspace ws(a.data(), k, scratch);
  std::fill(ws.state.begin(), ws.state.end(), kActive);
  for (std::size_t i = 0; i < k; ++i) ws.added[i] = static_cast<std::uint32_t>(i);
  if (!ws.factor.append(ws.added.first(k))) ws.factor.truncate(0);  // cold start
  return fnnls_solve(a.data(), k, b, s, ws, iterations);
}

std::size_t inversion_scratch_bytes(const LinearParameterLayout& layout) {
  return FnnlsWorkspace::bytes(layout.parameters);
}

namespace {

// The common part of both solve_inversion overloads: adds 1e-3 and H to F,
// factorises the regularized block (its log-determinant) and goes on from
// that factor to the positive-only solve. `add_regularization(c)` adds H to
// the block of the column-major n x n matrix c.
template <class AddRegularization>
InversionSolution solve_with_block_factor(const LinearParameterLayout& layout,
                                          std::span<double> curvature,
                                          std::span<const double> data_vector,
                                          AddRegularization&& add_regularization,
                                          std::span<double> reconstruction, FnnlsWorkspace& ws) {
  const std::size_t n = layout.parameters, begin = layout.regularized_begin,
                    m = layout.regularized_count;
  InversionSolution solution;
  Eigen::Map<Matrix> c(curvature.data(), n, n);
  for (std::size_t i = 0; i < n; ++i)
    if (i < begin || i >= begin + m) c(i, i) += kUnregularizedCurvatureDiagonal;
  if (m > 0) add_regularization(c);

  std::fill(ws.state.begin(), ws.state.end(), kActive);
  for (std::uint32_t i : layout.excluded) ws.state[i] = kHeld;
  // The factor's list: the block's solved-for indices, the block's held ones
  // (for its log-determinant only: then cut off), the unregularized ones.
  std::size_t count = 0;
  auto list_where = [&](std::size_t from, std::size_t to, bool held) {
    for (std::size_t i = from; i < to; ++i)
      if ((ws.state[i] == kHeld) == held) ws.added[count++] = static_cast<std::uint32_t>(i);
  };
  if (m > 0) {
    PhaseTimer log_det_timer(Phase::kLogDet);
    list_where(begin, begin + m, false);
    const std::size_t solved_in_block = count;
    list_where(begin, begin + m, true);
    // ln det (F + H) of the mapper's sub-block (docs/inversions.md), not a Schur
    // complement; its factor's leading rows are the solve's first factor.
    if (!ws.factor.append(ws.added.first(m))) return solution;
    solution.log_det_curvature_reg = ws.factor.log_det(m);
    if (!std::isfinite(solution.log_det_curvature_reg)) return solution;
    ws.factor.truncate(solved_in_block);
    count = 0;
  }
  PhaseTimer nnls_timer(Phase::kNnls);
  list_where(0, begin, false);
  list_where(begin + m, n, false);
  if (!ws.factor.append(ws.added.first(count))) ws.factor.truncate(0);  // cold start
  if (!fnnls_solve(curvature.data(), n, data_vector, reconstruction, ws, &solution.solver_iterations))
    return solution;
  solution.solved = true;
  return solution;
}

}  // namespace

InversionSolution solve_inversion(const LinearParameterLayout& layout, std::span<double> curvature,
                                  std::span<const double> data_vector,
                                  std::span<const double> regularization,
                                  std::span<double> reconstruction, ScratchArena& scratch) {
  const std::size_t n = layout.parameters, begin = layout.regularized_begin,
                    m = layout.regularized_count;
  FnnlsWorkspace ws(curvature.data(), n, scratch);
  Eigen::Map<const Matrix> h(regularization.data(), m, m);
  InversionSolution solution = solve_with_block_factor(
      layout, curvature, data_vector,
      [&](Eigen::Map<Matrix>& c) { c.block(begin, begin, m, m) += h; }, reconstruction, ws);
  if (!solution.solved || m == 0) return solution;
  PhaseTimer log_det_timer(Phase::kLogDet);
  Eigen::Map<const Vector> block_solution(reconstruction.data() + begin, m);
  solution.regularization_term = block_solution.dot(h * block_solution);
  // ln det H by a dense Cholesky factorisation in the solve's factor storage.
  ws.factor.reset(regularization.data(), m);
  for (std::size_t i = 0; i < m; ++i) ws.added[i] = static_cast<std::uint32_t>(i);
  solution.solved = ws.factor.append(ws.added.first(m));
  if (solution.solved) solution.log_det_regularization = ws.factor.log_det(m);
  solution.solved = solution.solved && std::isfinite(solution.log_det_regularization);
  return solution;
}

InversionSolution solve_regularized_inversion(const LinearParameterLayout& layout,
                                              std::span<double> curvature,
                                              std::span<const double> data_vector,
                                              const SparseRegularization& regularization,
                                              std::span<double> reconstruction, ScratchArena& scratch) {
  const std::size_t n = layout.parameters, begin = layout.regularized_begin;
  FnnlsWorkspace ws(curvature.data(), n, scratch);
  InversionSolution solution = solve_with_block_factor(
      layout, curvature, data_vector,
      [&](Eigen::Map<Matrix>& c) { regularization.add_to(c.data() + begin + begin * n, n); },
      reconstruction, ws);
  if (!solution.solved || layout.regularized_count == 0) return solution;
  solution.regularization_term = regularization.quadratic_form(reconstruction.subspan(begin, layout.regularized_count));
  solution.log_det_regularization = regularization.log_det;
  solution.solved = regularization.positive_definite;
  return solution;
}

namespace {
// F = scaled^T scaled (scaled = B / sigma, N x S, pixel-major or column by
// column): a rank-k update of F's lower triangle (SYRK), half the
// multiply-adds of the full product, then the upper triangle mirrored.
// Float keeps the product in single precision.
template <class Real>
void curvature_from_scaled(const Real* scaled, std::size_t pixels, std::size_t s, bool pixel_major,
                           std::span<double> curvature, ScratchArena& scratch,
                           std::span<const NonzeroRange> nonzero = {}) {
  Eigen::Map<Matrix> f(curvature.data(), static_cast<Eigen::Index>(s), static_cast<Eigen::Index>(s));
  // Pixel-major, the N x S row-major array is column-major S x N: F = A A^T.
  // Column by column (the MGE's few, long columns), column_gram_lower.
  const bool transposed = !pixel_major;
  const std::size_t lda = pixel_major ? s : pixels;
  auto gram = [&](Real* lower) {
    if (pixel_major)
      blas::gram_lower(transposed, s, pixels, scaled, lda, lower, s);
    else
      column_gram_lower(scaled, pixels, s, lower, nonzero);
  };
  if constexpr (std::is_same_v<Real, double>) {
    gram(f.data());
  } else {
    auto single = scratch.take<Real>(s * s);
    gram(single.data());
    for (std::size_t c = 0; c < s; ++c)
      for (std::size_t r = c; r < s; ++r) f(r, c) = static_cast<double>(single[r + c * s]);
  }
  f.template triangularView<Eigen::StrictlyUpper>() = f.transpose();
}
}  // namespace

template <class Real>
std::size_t dense_normal_equations_scratch_bytes(std::size_t parameters) {
  return std::is_same_v<Real, double> ? 0 : aligned_array_bytes<Real>(parameters * parameters);
}

template <class Real>
void dense_normal_equations(std::span<Real> columns, std::size_t parameters,
                            std::span<const double> data, std::span<const double> noise_map,
                            std::span<double> curvature, std::span<double> data_vector,
                            ScratchArena& scratch) {
  const std::size_t pixels = noise_map.size(), s = parameters;
  std::fill(data_vector.begin(), data_vector.begin() + s, 0.0);
  for (std::size_t i = 0; i < pixels; ++i) {
    const double inverse_sigma = 1.0 / noise_map[i];
    const double weighted_data = data[i] * inverse_sigma;
    Real* row = columns.data() + i * s;
    for (std::size_t j = 0; j < s; ++j) {
      row[j] = static_cast<Real>(row[j] * inverse_sigma);
      data_vector[j] += static_cast<double>(row[j]) * weighted_data;
    }
  }
  curvature_from_scaled<Real>(columns.data(), pixels, s, true, curvature, scratch);
}

template <class Real>
double scale_column(std::span<Real> column, std::span<const double> inverse_sigma,
                    std::span<const double> weighted_data, std::optional<NonzeroRange> nonzero) {
  // Two registers of partial sums (pixel i in lane i mod 2 L), so that each
  // add need not wait on the one before; the tail in the first lanes. With
  // `nonzero`, the pairs of registers before and after it are all 0.
  using V = VectorRegister<double>;
  constexpr std::size_t kLanes = kRegisterLanes<double>;
  V sum[2] = {};
  const std::size_t pixels = column.size();
  std::size_t i = 0, end = pixels;
  if (nonzero) {
    if (nonzero->first >= nonzero->last) return 0.0;
    i = nonzero->first / (2 * kLanes) * (2 * kLanes);
    end = std::min(pixels, (nonzero->last + 2 * kLanes - 1) / (2 * kLanes) * (2 * kLanes));
  }
  for (; i + 2 * kLanes <= end; i += 2 * kLanes)
    for (std::size_t h = 0; h < 2; ++h) {
      const std::size_t at = i + h * kLanes;
      V scaled;
      for (std::size_t l = 0; l < kLanes; ++l) {
        column[at + l] = static_cast<Real>(column[at + l] * inverse_sigma[at + l]);
        scaled[l] = static_cast<double>(column[at + l]);
      }
      sum[h] += scaled * load_register(weighted_data.data() + at);
    }
  double tail[2 * kLanes] = {};
  for (std::size_t l = 0; i + l < end; ++l) {
    column[i + l] = static_cast<Real>(column[i + l] * inverse_sigma[i + l]);
    tail[l] = static_cast<double>(column[i + l]) * weighted_data[i + l];
  }
  return lane_sum<double>(sum[0] + load_register(tail)) + lane_sum<double>(sum[1] + load_register(tail + kLanes));
}

template <class Real>
std::size_t curvature_from_scaled_columns_scratch_bytes(std::size_t parameters) {
  return dense_normal_equations_scratch_bytes<Real>(parameters);
}

template <class Real>
void curvature_from_scaled_columns(std::span<const Real> columns, std::size_t parameters,
                                   std::span<double> curvature, ScratchArena& scratch,
                                   std::span<const NonzeroRange> nonzero) {
  curvature_from_scaled<Real>(columns.data(), columns.size() / parameters, parameters, false, curvature,
                              scratch, nonzero);
}

template <class Real>
double dense_chi_squared_by_column(std::span<const Real> scaled_columns, std::size_t parameters,
                                   std::span<const double> data, std::span<const double> noise_map,
                                   std::span<const double> reconstruction, ScratchArena& scratch,
                                   std::span<const NonzeroRange> nonzero) {
  const std::size_t pixels = noise_map.size();
  auto model = scratch.take<double>(pixels);
  std::fill(model.begin(), model.end(), 0.0);
  for (std::size_t j = 0; j < parameters; ++j) {
    // A column whose coefficient the positive-only solve held at 0 adds
    // +-0 to every (finite) model value, which changes no bit: skipped, as
    // are the zeros outside a column's nonzero range.
    if (reconstruction[j] == 0.0) continue;
    const Real* column = scaled_columns.data() + j * pixels;
    const std::size_t first = nonzero.empty() ? 0 : nonzero[j].first;
    const std::size_t last = nonzero.empty() ? pixels : nonzero[j].last;
    for (std::size_t i = first; i < last; ++i) model[i] += static_cast<double>(column[i]) * reconstruction[j];
  }
  double chi_squared = 0.0;
  for (std::size_t i = 0; i < pixels; ++i) {
    const double residual = data[i] / noise_map[i] - model[i];
    chi_squared += residual * residual;
  }
  return chi_squared;
}

template <class Real>
double dense_chi_squared(std::span<const Real> scaled_columns, std::size_t parameters,
                         std::span<const double> data, std::span<const double> noise_map,
                         std::span<const double> reconstruction) {
  double chi_squared = 0.0;
  for (std::size_t i = 0; i < noise_map.size(); ++i) {
    const Real* row = scaled_columns.data() + i * parameters;
    double model = 0.0;
    for (std::size_t j = 0; j < parameters; ++j) model += static_cast<double>(row[j]) * reconstruction[j];
    const double residual = data[i] / noise_map[i] - model;
    chi_squared += residual * residual;
  }
  return chi_squared;
}

double noise_normalization(std::span<const double> noise_map) {
  double sum = 0.0;
  for (double sigma : noise_map) sum += std::log(2.0 * std::numbers::pi * sigma * sigma);
  return sum;
}

FitParts fit_parts(double chi_squared, double noise_norm, const InversionSolution& solution,
                   bool regularized) {
  FitParts parts;
  parts.chi_squared = chi_squared;
  parts.noise_normalization = noise_norm;
  parts.regularized = regularized;
  parts.regularization_term = solution.regularization_term;
  parts.log_det_curvature_reg = solution.log_det_curvature_reg;
  parts.log_det_regularization = solution.log_det_regularization;
  parts.log_likelihood = -0.5 * (chi_squared + noise_norm);
  parts.log_evidence = -0.5 * (chi_squared + solution.regularization_term +
                               solution.log_det_curvature_reg - solution.log_det_regularization +
                               noise_norm);
  parts.figure_of_merit = regularized ? parts.log_evidence : parts.log_likelihood;
  if (!solution.solved) parts.figure_of_merit = -std::numeric_limits<double>::infinity();
  return parts;
}

template void dense_normal_equations<double>(std::span<double>, std::size_t, std::span<const double>,
                                             std::span<const double>, std::span<double>,
                                             std::span<double>, ScratchArena&);
template void dense_normal_equations<float>(std::span<float>, std::size_t, std::span<const double>,
                                            std::span<const double>, std::span<double>,
                                            std::span<double>, ScratchArena&);
template double scale_column<double>(std::span<double>, std::span<const double>, std::span<const double>,
                                     std::optional<NonzeroRange>);
template double scale_column<float>(std::span<float>, std::span<const double>, std::span<const double>,
                                    std::optional<NonzeroRange>);
template void curvature_from_scaled_columns<double>(std::span<const double>, std::size_t, std::span<double>,
                                                    ScratchArena&, std::span<const NonzeroRange>);
template void curvature_from_scaled_columns<float>(std::span<const float>, std::size_t, std::span<double>,
                                                   ScratchArena&, std::span<const NonzeroRange>);
template std::size_t curvature_from_scaled_columns_scratch_bytes<double>(std::size_t);
template std::size_t curvature_from_scaled_columns_scratch_bytes<float>(std::size_t);
template double dense_chi_squared_by_column<double>(std::span<const double>, std::size_t,
                                                    std::span<const double>, std::span<const double>,
                                                    std::span<const double>, ScratchArena&,
                                                    std::span<const NonzeroRange>);
template double dense_chi_squared_by_column<float>(std::span<const float>, std::size_t,
                                                   std::span<const double>, std::span<const double>,
                                                   std::span<const double>, ScratchArena&,
                                                   std::span<const NonzeroRange>);
template std::size_t dense_normal_equations_scratch_bytes<double>(std::size_t);
template std::size_t dense_normal_equations_scratch_bytes<float>(std::size_t);
template double dense_chi_squared<double>(std::span<const double>, std::size_t,
                                          std::span<const double>, std::span<const double>,
                                          std::span<const double>);
template double dense_chi_squared<float>(std::span<const float>, std::size_t,
                                         std::span<const double>, std::span<const double>,
                                         std::span<const double>);

}  // namespace nslab
