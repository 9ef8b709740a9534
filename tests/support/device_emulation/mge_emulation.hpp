#pragma once
// The device algorithm of imaging/mge (likelihoods/lens/mge_likelihood.cu)
// run on the host: the kernels' own per-thread functions
// (likelihoods/lens/device/mge_steps.hpp, psf_steps.hpp), thread
// decomposition, replica layout and reduction trees, with the host's
// exp/atan/atanh. No device and no nvcc needed: it is how CI checks the
// device algorithm against MgeLikelihood on a CPU-only machine (docs/gpu.md).
#include <cstddef>
#include <span>
#include <vector>

#include "core/precision.hpp"
#include "likelihoods/lens/masked_imaging.hpp"

namespace nslab {

// log L per point (points: count x 15, row-major). bytes_per_replica
// (optional): the device likelihood's.
std::vector<double> emulate_cuda_mge_on_host(const MaskedImaging& imaging, Precision precision,
                                             std::span<const double> points,
                                             std::size_t* bytes_per_replica = nullptr);

}  // namespace nslab
