#pragma once
// The device (CUDA) versions of the analytic and synthetic likelihoods, as
// plain Likelihood objects: the sampler sees the same interface, hands over
// host batches and gets host log-likelihoods back; only the workspace lives
// on the device. Declared in every build (no CUDA headers here), defined only
// in CUDA builds: callers guard their use with NSLAB_WITH_CUDA.
//
// `context` names the cell (or test) the likelihood serves; it appears in the
// out-of-device-memory message. Construction throws RunError when there is no
// usable device.
#include <memory>
#include <string>

#include "core/precision.hpp"
#include "likelihoods/likelihood.hpp"

namespace nslab {

std::unique_ptr<Likelihood> make_cuda_gaussian_likelihood(int dim, Precision precision,
                                                          const std::string& context);
std::unique_ptr<Likelihood> make_cuda_mixture_likelihood(int dim, Precision precision,
                                                         const std::string& context);
std::unique_ptr<Likelihood> make_cuda_mapping_likelihood(const std::string& instrument,
                                                         Precision precision,
                                                         const std::string& context);

}  // namespace nslab
