#pragma once
// The positive-only solve of a device likelihood, on the host: the CPU's own
// solve_inversion (1e-3 on the unregularized diagonal, H on the mapper
// block, FNNLS, both Cholesky log-determinants) on an F the device formed,
// so the device and the CPU share the verified solver and differ only in
// how F and D were summed (docs/gpu.md, "The solve").
#include <cstddef>
#include <span>

#include "likelihoods/lens/inversion.hpp"
#include "likelihoods/lens/pixelization/sparse_regularization.hpp"

namespace nslab {

// Host scratch for one solve of `layout` [bytes]: F as double, then
// solve_inversion's own.
std::size_t host_solve_scratch_bytes(const LinearParameterLayout& layout);

// F: t x t column-major as the device left it (Real = float on the dense
// fp32 path; cast to double as the CPU casts its float F). D, H (the
// regularized block, count x count, empty when unregularized) in double;
// the solution goes to `solution` (t values, 0 where the solve failed).
template <class Real>
InversionSolution solve_on_host(const LinearParameterLayout& layout, const Real* curvature,
                                const double* data_vector, std::span<const double> regularization,
                                double* solution, std::byte* scratch, std::size_t scratch_bytes);

// The same with a pixelized source's sparse H and its ln det H: the CPU's
// solve_regularized_inversion.
template <class Real>
InversionSolution solve_regularized_on_host(const LinearParameterLayout& layout, const Real* curvature,
                                            const double* data_vector, const SparseRegularization& regularization,
                                double* solution, std::byte* scratch, std::size_t scratch_bytes);

}  // namespace nslab
