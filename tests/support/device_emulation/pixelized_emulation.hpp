#pragma once
// The device algorithm of the pixelized models
// (likelihoods/lens/pixelized_likelihood.cu) run on the host, step by step
// in the device's order: the per-element functions of
// likelihoods/lens/device/pixelized_steps.hpp with the kernels' decomposition
// and summation orders, in a replica region of the device's layout
// (poisoned before each point), and the same host half
// (pixelized_host_steps.hpp). Where the device calls a library, the emulation
// calls the host's equivalent: a stable sort for CUB's radix sort (a stable
// sort's permutation is unique, so the two agree exactly) and Eigen's rank
// update for cuBLAS's SYRK (the same product, summed in another order).
// Builds without nvcc: CI checks the device algorithm with it on every commit
// (docs/gpu.md).
#include <cstddef>
#include <span>
#include <vector>

#include "core/precision.hpp"
#include "likelihoods/lens/inversion.hpp"
#include "likelihoods/lens/masked_imaging.hpp"
#include "likelihoods/lens/pixelization/pixelized_likelihood.hpp"
#include "likelihoods/lens/pixelization/pixelized_source.hpp"

namespace nslab {

struct EmulatedPixelizedPoint {
  FitParts parts;                     // figure_of_merit is the log-likelihood the device returns
  std::size_t solver_iterations = 0;  // FNNLS solves; > 2 when the unconstrained solution had s_i <= 0
};

struct PixelizedEmulation {
  std::vector<EmulatedPixelizedPoint> points;
  std::size_t bytes_per_replica = 0;  // the device likelihood's
};

// points: count x 12 (the pixelized parameters), row-major.
PixelizedEmulation emulate_cuda_pixelized_on_host(const MaskedImaging& imaging,
                                                  const PixelizedSource& source,
                                                  InversionFormulation formulation,
                                                  Precision precision,
                                                  std::span<const double> points);

}  // namespace nslab
