#include "likelihoods/lens/device/host_solve.hpp"

#include <algorithm>

namespace nslab {

std::size_t host_solve_scratch_bytes(const LinearParameterLayout& layout) {
  return aligned_array_bytes<double>(layout.parameters * layout.parameters) +
         inversion_scratch_bytes(layout);
}

namespace {

// F as double in `arena` (the CPU casts its float F alike), the solution zeroed.
template <class Real>
std::span<double> double_curvature(const LinearParameterLayout& layout, const Real* curvature, double* solution,
                                   ScratchArena& arena) {
  const std::size_t t = layout.parameters, t2 = t * t;
  std::span<double> f = arena.take<double>(t2);
  for (std::size_t i = 0; i < t2; ++i) f[i] = static_cast<double>(curvature[i]);
  std::fill(solution, solution + t, 0.0);  // a failed solve leaves it untouched
  return f;
}

}  // namespace

template <class Real>
InversionSolution solve_on_host(const LinearParameterLayout& layout, const Real* curvature,
                                const double* data_vector, std::span<const double> regularization,
                                double* solution, std::byte* scratch, std::size_t scratch_bytes) {
  ScratchArena arena(scratch, scratch_bytes);
  const std::size_t t = layout.parameters;
  std::span<double> f = double_curvature(layout, curvature, solution, arena);
  return solve_inversion(layout, f, std::span<const double>(data_vector, t), regularization,
                         std::span<double>(solution, t), arena);
}

template <class Real>
InversionSolution solve_regularized_on_host(const LinearParameterLayout& layout, const Real* curvature,
                                            const double* data_vector, const SparseRegularization& regularization,
                                double* solution, std::byte* scratch, std::size_t scratch_bytes) {
  ScratchArena arena(scratch, scratch_bytes);
  const std::size_t t = layout.parameters;
  std::span<double> f = double_curvature(layout, curvature, solution, arena);
  return solve_regularized_inversion(layout, f, std::span<const double>(data_vector, t), regularization,
                                     std::span<double>(solution, t), arena);
}

template InversionSolution solve_on_host<double>(const LinearParameterLayout&, const double*,
                                                 const double*, std::span<const double>, double*,
                                                 std::byte*, std::size_t);
template InversionSolution solve_on_host<float>(const LinearParameterLayout&, const float*,
                                                const double*, std::span<const double>, double*,
                                                std::byte*, std::size_t);

template InversionSolution solve_regularized_on_host<double>(const LinearParameterLayout&, const double*,
                                                 const double*, const SparseRegularization&, double*,
                                                 std::byte*, std::size_t);
template InversionSolution solve_regularized_on_host<float>(const LinearParameterLayout&, const float*,
                                                const double*, const SparseRegularization&, double*,
                                                std::byte*, std::size_t);

}  // namespace nslab
