#pragma once
// analytic/gaussian on the device (gaussian.cu): the same problem as
// GaussianLikelihood, one thread per point; only the workspace lives on the
// device, the sampler hands over host batches and gets host log L back.
// Defined in the .cu file beside this header in CUDA builds; a build without
// CUDA has a version that refuses with the one backend message
// (likelihoods/cuda/factories_without_cuda.cpp), so callers need no #if.
// `context` names the cell (or test) for the out-of-device-memory message.
// Construction throws RunError when there is no usable device.
#include <memory>
#include <string>

#include "core/precision.hpp"
#include "likelihoods/likelihood.hpp"

namespace nslab {

std::unique_ptr<Likelihood> make_cuda_gaussian_likelihood(int dim, Precision precision,
                                                          const std::string& context);

}  // namespace nslab
