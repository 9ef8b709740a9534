#include "likelihoods/lens/device/host_solve.hpp"

#include <algorithm>

namespace nslab {

std::size_t host_solve_scratch_bytes(const LinearParameterLayout& layout) {
  return aligned_array_bytes<double>(layout.parameters * layout.parameters) +
         inversion_scratch_bytes(layout);
}

template <class Real>
InversionSolution solve_on_host(const LinearParameterLayout& layout, const Real* curvature,
                                const double* data_vector, std::span<const double> regularization,
                                double* solution, std::byte* scratch, std::size_t scratch_bytes) {
  const std::size_t t = layout.parameters, t2 = t * t;
  ScratchArena arena(scratch, scratch_bytes);
  std::span<double> f = arena.take<double>(t2);
  for (std::size_t i = 0; i < t2; ++i) f[i] = static_cast<double>(curvature[i]);
  std::fill(solution, solution + t, 0.0);  // a failed solve leaves it untouched
  return solve_inversion(layout, f, std::span<const double>(data_vector, t), regularization,
                         std::span<double>(solution, t), arena);
}

template InversionSolution solve_on_host<double>(const LinearParameterLayout&, const double*,
                                                 const double*, std::span<const double>, double*,
                                                 std::byte*, std::size_t);
template InversionSolution solve_on_host<float>(const LinearParameterLayout&, const float*,
                                                const double*, std::span<const double>, double*,
                                                std::byte*, std::size_t);

}  // namespace nslab
