#include "likelihoods/lens/inversion.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <numbers>

#include "core/phase_profile.hpp"

namespace nslab {

namespace {

using Matrix = Eigen::MatrixXd;
using Vector = Eigen::VectorXd;

// Buffers of one FNNLS solve of up to `capacity` unknowns.
struct FnnlsWorkspace {
  std::span<double> factor, rhs, z, w;
  std::span<std::uint32_t> passive_list, added;  // added: the last outer step's additions
  std::span<std::uint8_t> state;  // 0 active (held at 0), 1 passive, 2 refused

  static FnnlsWorkspace take(ScratchArena& scratch, std::size_t capacity) {
    return {scratch.take<double>(capacity * capacity), scratch.take<double>(capacity),
            scratch.take<double>(capacity), scratch.take<double>(capacity),
            scratch.take<std::uint32_t>(capacity), scratch.take<std::uint32_t>(capacity),
            scratch.take<std::uint8_t>(capacity)};
  }
  static std::size_t bytes(std::size_t capacity) {
    return aligned_array_bytes<double>(capacity * capacity) + 3 * aligned_array_bytes<double>(capacity) +
           2 * aligned_array_bytes<std::uint32_t>(capacity) + aligned_array_bytes<std::uint8_t>(capacity);
  }
};

// 2 sum log diag(L) of A = L L^T, factorised in place; false if A is not
// positive definite.
bool cholesky_log_det(Eigen::Map<Matrix> a, double& log_det) {
  Eigen::LLT<Eigen::Ref<Matrix>, Eigen::Lower> llt(a);
  if (llt.info() != Eigen::Success) return false;
  log_det = 2.0 * a.diagonal().array().log().sum();
  return std::isfinite(log_det);
}

// Bro & de Jong's fast NNLS on the normal equations (A = Z^T Z, b = Z^T x),
// warm-started like PyAutoArray's fnnls_cholesky from the sign of the
// unconstrained solution. The minimiser is unique for positive-definite A,
// so any correct active-set path reaches the same s.
bool fnnls_solve(Eigen::Map<const Matrix> a, std::span<const double> b, std::span<double> s,
                 FnnlsWorkspace& ws, std::size_t* iterations) {
  const std::size_t k = b.size();
  const double epsilon = 2.2204e-16;
  const double tolerance = epsilon * static_cast<double>(k);  // on s, as PyAutoArray
  double b_max = 0.0;
  for (double value : b) b_max = std::max(b_max, std::abs(value));
  const double gradient_tolerance = tolerance * std::max(1.0, b_max);
  std::size_t count = 0;

  // ws.factor holds L (lower, leading dimension k) with L L^T = A[list, list]
  // for the first `factored` entries of the passive list: the Cholesky factor
  // of a leading block is the leading block of the factor, so entries
  // appended to the list extend L by a row each (O(np^2)) instead of a new
  // factorisation (O(np^3)); removing an entry keeps the rows before it.
  std::size_t factored = 0;
  using StridedMap = Eigen::Map<Matrix, 0, Eigen::OuterStride<>>;
  auto factor = [&](std::size_t np) {
    return StridedMap(ws.factor.data(), static_cast<Eigen::Index>(np), static_cast<Eigen::Index>(np),
                      Eigen::OuterStride<>(static_cast<Eigen::Index>(k)));
  };
  // Row j of L: L[j, :j] = (L[:j, :j]^-1 A[list[:j], list[j]])^T, L[j, j] = sqrt(A_jj - |.|^2).
  // ws.w is free here (the outer loop recomputes it before reading it).
  auto extend_factor = [&](std::size_t j) -> bool {
    StridedMap f = factor(j + 1);
    const std::uint32_t column = ws.passive_list[j];
    Eigen::Map<Vector> l(ws.w.data(), static_cast<Eigen::Index>(j));
    for (std::size_t r = 0; r < j; ++r) l[r] = a(ws.passive_list[r], column);
    f.topLeftCorner(j, j).triangularView<Eigen::Lower>().solveInPlace(l);
    const double pivot = a(column, column) - l.squaredNorm();
    if (!(pivot > 0.0)) return false;  // not positive definite, as a full LLT would find
    f.row(j).head(j) = l.transpose();
    f(j, j) = std::sqrt(pivot);
    return true;
  };
  // z[list] = A[list, list]^-1 b[list] for the first `np` entries of the passive list.
  auto solve_passive = [&](std::size_t np) -> bool {
    StridedMap f = factor(np);
    factored = std::min(factored, np);
    if (3 * (np - factored) >= np) {  // most of L is new: factorise afresh
      for (std::size_t c = 0; c < np; ++c)
        for (std::size_t r = c; r < np; ++r) f(r, c) = a(ws.passive_list[r], ws.passive_list[c]);
      // The factorisation writes over the old rows: none stays valid if it
      // fails (the caller may take the added block back and go on).
      factored = 0;
      Eigen::LLT<Eigen::Ref<Matrix, 0, Eigen::OuterStride<>>, Eigen::Lower> llt(f);
      if (llt.info() != Eigen::Success) return false;
      factored = np;
    }
    for (; factored < np; ++factored)
      if (!extend_factor(factored)) return false;
    Eigen::Map<Vector> rhs(ws.rhs.data(), static_cast<Eigen::Index>(np));
    for (std::size_t r = 0; r < np; ++r) rhs[r] = b[ws.passive_list[r]];
    f.triangularView<Eigen::Lower>().solveInPlace(rhs);
    f.triangularView<Eigen::Lower>().adjoint().solveInPlace(rhs);
    for (std::size_t r = 0; r < np; ++r) ws.z[ws.passive_list[r]] = rhs[r];
    ++count;
    return true;
  };
  // Drops passive entries whose flag says so, keeping the list's order; the
  // factor stays valid up to the first entry dropped.
  auto compact = [&](std::size_t np) {
    std::size_t kept = 0;
    for (std::size_t r = 0; r < np; ++r) {
      if (ws.state[ws.passive_list[r]] == 1) ws.passive_list[kept++] = ws.passive_list[r];
      else factored = std::min(factored, r);
    }
    return kept;
  };

  std::fill(s.begin(), s.end(), 0.0);
  std::fill(ws.state.begin(), ws.state.begin() + k, std::uint8_t{0});
  std::size_t np = k;
  for (std::size_t i = 0; i < k; ++i) ws.passive_list[i] = static_cast<std::uint32_t>(i);
  if (k > 0 && solve_passive(k)) {
    np = 0;
    for (std::size_t i = 0; i < k; ++i) {
      if (ws.z[i] > 0.0) ws.passive_list[np++] = static_cast<std::uint32_t>(i), ws.state[i] = 1;
      else factored = std::min(factored, i);  // the list was 0..k-1 up to here
    }
    // Repair the warm start: drop every non-positive entry and re-solve.
    while (np > 0) {
      if (!solve_passive(np)) return false;
      bool dropped = false;
      for (std::size_t r = 0; r < np; ++r)
        if (ws.z[ws.passive_list[r]] <= tolerance) ws.state[ws.passive_list[r]] = 0, dropped = true;
      if (!dropped) break;
      np = compact(np);
    }
    for (std::size_t r = 0; r < np; ++r) s[ws.passive_list[r]] = ws.z[ws.passive_list[r]];
  } else {
    np = 0;
  }

  Eigen::Map<Vector> x(s.data(), static_cast<Eigen::Index>(k));
  Eigen::Map<Vector> w(ws.w.data(), static_cast<Eigen::Index>(k));
  Eigen::Map<const Vector> bv(b.data(), static_cast<Eigen::Index>(k));
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
    // b_i - A[:, i] . x (A symmetric), a contiguous column each, instead of
    // the whole product (rectangular hst: ~400 of 1,389 rows are active).
    std::size_t candidates = 0;
    for (std::size_t i = 0; i < k; ++i) {
      if (ws.state[i] != 0) continue;
      w[i] = bv[i] - a.col(static_cast<Eigen::Index>(i)).dot(x);
      if (w[i] > gradient_tolerance) ws.added[candidates++] = static_cast<std::uint32_t>(i);
    }
    if (candidates == 0) break;
    const std::size_t added = std::min(take, candidates);
    auto larger_gradient = [&](std::uint32_t i, std::uint32_t j) {
      return w[i] > w[j] || (w[i] == w[j] && i < j);
    };
    std::nth_element(ws.added.begin(), ws.added.begin() + (added - 1), ws.added.begin() + candidates,
                     larger_gradient);
    const std::size_t best = ws.added[0], first_added = np;
    for (std::size_t r = 0; r < added; ++r)
      ws.state[ws.added[r]] = 1, ws.passive_list[np++] = ws.added[r];
    const bool single = added == 1;
    bool reverted = false;
    for (std::size_t inner = 0;; ++inner) {
      if (!solve_passive(np)) {
        // Many columns at once can make the passive block numerically
        // singular where one at a time would not: undo them, add one.
        if (single || inner > 0) return false;
        for (std::size_t r = first_added; r < np; ++r) ws.state[ws.passive_list[r]] = 0;
        np = first_added;
        factored = std::min(factored, np);
        reverted = true;
        break;
      }
      double alpha = 2.0;
      for (std::size_t r = 0; r < np; ++r) {
        const std::uint32_t i = ws.passive_list[r];
        if (ws.z[i] <= tolerance) alpha = std::min(alpha, x[i] / (x[i] - ws.z[i]));
      }
      if (alpha > 1.0) {  // z is feasible: accept it
        for (std::size_t r = 0; r < np; ++r) x[ws.passive_list[r]] = ws.z[ws.passive_list[r]];
        break;
      }
      for (std::size_t r = 0; r < np; ++r) {
        const std::uint32_t i = ws.passive_list[r];
        x[i] += alpha * (ws.z[i] - x[i]);
        if (x[i] <= tolerance) {
          x[i] = 0.0;
          ws.state[i] = 0;
        }
      }
      // A lone entry just added whose step length is zero is a round-off
      // gradient: refuse it for good, or the loop would re-add it forever.
      if (single && alpha == 0.0 && ws.state[best] == 0) ws.state[best] = 2;
      np = compact(np);
      if (inner > 3 * k + 10 || np == 0) {
        for (std::size_t r = 0; r < np; ++r) x[ws.passive_list[r]] = std::max(0.0, x[ws.passive_list[r]]);
        break;
      }
    }
    bool kept = false;
    for (std::size_t r = 0; r < added && !kept; ++r) kept = ws.state[ws.added[r]] == 1;
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
  FnnlsWorkspace ws = FnnlsWorkspace::take(scratch, k);
  return fnnls_solve(Eigen::Map<const Matrix>(a.data(), k, k), b, s, ws, iterations);
}

std::size_t inversion_scratch_bytes(const LinearParameterLayout& layout) {
  const std::size_t n = layout.parameters;
  return aligned_array_bytes<double>(n * n)      // the kept system, then the block copies
         + 2 * aligned_array_bytes<double>(n)    // kept right-hand side and solution
         + aligned_array_bytes<std::uint32_t>(n) // kept indices
         + FnnlsWorkspace::bytes(n);
}

InversionSolution solve_inversion(const LinearParameterLayout& layout, std::span<double> curvature,
                                  std::span<const double> data_vector,
                                  std::span<const double> regularization,
                                  std::span<double> reconstruction, ScratchArena& scratch) {
  const std::size_t n = layout.parameters, begin = layout.regularized_begin,
                    m = layout.regularized_count;
  InversionSolution solution;
  PhaseTimer nnls_timer(Phase::kNnls);
  Eigen::Map<Matrix> c(curvature.data(), n, n);
  for (std::size_t i = 0; i < n; ++i)
    if (i < begin || i >= begin + m) c(i, i) += kUnregularizedCurvatureDiagonal;
  if (m > 0) c.block(begin, begin, m, m) += Eigen::Map<const Matrix>(regularization.data(), m, m);

  auto system = scratch.take<double>(n * n);
  auto rhs = scratch.take<double>(n);
  auto kept_solution = scratch.take<double>(n);
  auto kept = scratch.take<std::uint32_t>(n);
  FnnlsWorkspace ws = FnnlsWorkspace::take(scratch, n);

  std::size_t k = 0, next_excluded = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (next_excluded < layout.excluded.size() && layout.excluded[next_excluded] == i) {
      ++next_excluded;
      continue;
    }
    kept[k++] = static_cast<std::uint32_t>(i);
  }
  Eigen::Map<Matrix> a(system.data(), k, k);
  for (std::size_t col = 0; col < k; ++col) {
    rhs[col] = data_vector[kept[col]];
    for (std::size_t row = 0; row < k; ++row) a(row, col) = c(kept[row], kept[col]);
  }
  if (!fnnls_solve(Eigen::Map<const Matrix>(system.data(), k, k), rhs.first(k),
                   kept_solution.first(k), ws, &solution.solver_iterations))
    return solution;
  std::fill(reconstruction.begin(), reconstruction.end(), 0.0);
  for (std::size_t i = 0; i < k; ++i) reconstruction[kept[i]] = kept_solution[i];
  nnls_timer.stop();

  PhaseTimer log_det_timer(Phase::kLogDet);
  if (m > 0) {
    // The mapper's sub-block of s, F + H and H (lensing.md), not a Schur complement.
    Eigen::Map<const Matrix> h(regularization.data(), m, m);
    Eigen::Map<const Vector> block_solution(reconstruction.data() + begin, m);
    solution.regularization_term = block_solution.dot(h * block_solution);
    Eigen::Map<Matrix> block(system.data(), m, m);
    block = c.block(begin, begin, m, m);
    if (!cholesky_log_det(block, solution.log_det_curvature_reg)) return solution;
    block = h;
    if (!cholesky_log_det(block, solution.log_det_regularization)) return solution;
  }
  solution.solved = true;
  return solution;
}

namespace {
// F = scaled^T scaled (scaled = B / sigma, N x S): a rank-k update of F's
// lower triangle (SYRK), half the multiply-adds of the full product, then
// the upper triangle mirrored. Float keeps the product in single precision.
template <class Real, class Scaled>
void curvature_from_scaled(const Scaled& scaled, std::span<double> curvature, ScratchArena& scratch) {
  const Eigen::Index s = scaled.cols();
  Eigen::Map<Matrix> f(curvature.data(), s, s);
  if constexpr (std::is_same_v<Real, double>) {
    f.setZero();
    f.template selfadjointView<Eigen::Lower>().rankUpdate(scaled.transpose());
  } else {
    Eigen::Map<Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic>> single(
        scratch.take<Real>(static_cast<std::size_t>(s * s)).data(), s, s);
    single.setZero();
    single.template selfadjointView<Eigen::Lower>().rankUpdate(scaled.transpose());
    f = single.template cast<double>();
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
  using RowMajor = Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  curvature_from_scaled<Real>(Eigen::Map<const RowMajor>(columns.data(), pixels, s), curvature, scratch);
}

template <class Real>
std::size_t dense_normal_equations_by_column_scratch_bytes(std::size_t pixels, std::size_t parameters) {
  return 2 * aligned_array_bytes<double>(pixels) + dense_normal_equations_scratch_bytes<Real>(parameters);
}

template <class Real>
void dense_normal_equations_by_column(std::span<Real> columns, std::size_t parameters,
                                      std::span<const double> data,
                                      std::span<const double> noise_map,
                                      std::span<double> curvature, std::span<double> data_vector,
                                      ScratchArena& scratch) {
  const std::size_t pixels = noise_map.size(), s = parameters;
  auto inverse_sigma = scratch.take<double>(pixels), weighted_data = scratch.take<double>(pixels);
  for (std::size_t i = 0; i < pixels; ++i) {
    inverse_sigma[i] = 1.0 / noise_map[i];
    weighted_data[i] = data[i] * inverse_sigma[i];
  }
  // Four columns per sweep: four independent sums in flight (one alone waits
  // on each add), each still taken in pixel order.
  constexpr std::size_t kSweep = 4;
  for (std::size_t j0 = 0; j0 < s; j0 += kSweep) {
    const std::size_t width = std::min(kSweep, s - j0);
    Real* column[kSweep];
    double sum[kSweep] = {};
    for (std::size_t c = 0; c < width; ++c) column[c] = columns.data() + (j0 + c) * pixels;
    for (std::size_t i = 0; i < pixels; ++i)
      for (std::size_t c = 0; c < width; ++c) {
        column[c][i] = static_cast<Real>(column[c][i] * inverse_sigma[i]);
        sum[c] += static_cast<double>(column[c][i]) * weighted_data[i];
      }
    for (std::size_t c = 0; c < width; ++c) data_vector[j0 + c] = sum[c];
  }
  using ColumnMajor = Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic>;
  curvature_from_scaled<Real>(Eigen::Map<const ColumnMajor>(columns.data(), pixels, s), curvature, scratch);
}

template <class Real>
double dense_chi_squared_by_column(std::span<const Real> scaled_columns, std::size_t parameters,
                                   std::span<const double> data, std::span<const double> noise_map,
                                   std::span<const double> reconstruction, ScratchArena& scratch) {
  const std::size_t pixels = noise_map.size();
  auto model = scratch.take<double>(pixels);
  std::fill(model.begin(), model.end(), 0.0);
  for (std::size_t j = 0; j < parameters; ++j) {
    const Real* column = scaled_columns.data() + j * pixels;
    for (std::size_t i = 0; i < pixels; ++i) model[i] += static_cast<double>(column[i]) * reconstruction[j];
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
template void dense_normal_equations_by_column<double>(std::span<double>, std::size_t,
                                                       std::span<const double>, std::span<const double>,
                                                       std::span<double>, std::span<double>, ScratchArena&);
template void dense_normal_equations_by_column<float>(std::span<float>, std::size_t,
                                                      std::span<const double>, std::span<const double>,
                                                      std::span<double>, std::span<double>, ScratchArena&);
template std::size_t dense_normal_equations_by_column_scratch_bytes<double>(std::size_t, std::size_t);
template std::size_t dense_normal_equations_by_column_scratch_bytes<float>(std::size_t, std::size_t);
template double dense_chi_squared_by_column<double>(std::span<const double>, std::size_t,
                                                    std::span<const double>, std::span<const double>,
                                                    std::span<const double>, ScratchArena&);
template double dense_chi_squared_by_column<float>(std::span<const float>, std::size_t,
                                                   std::span<const double>, std::span<const double>,
                                                   std::span<const double>, ScratchArena&);
template std::size_t dense_normal_equations_scratch_bytes<double>(std::size_t);
template std::size_t dense_normal_equations_scratch_bytes<float>(std::size_t);
template double dense_chi_squared<double>(std::span<const double>, std::size_t,
                                          std::span<const double>, std::span<const double>,
                                          std::span<const double>);
template double dense_chi_squared<float>(std::span<const float>, std::size_t,
                                         std::span<const double>, std::span<const double>,
                                         std::span<const double>);

}  // namespace nslab
