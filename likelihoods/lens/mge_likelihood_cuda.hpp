#pragma once
// imaging/mge on the device (mge_likelihood.cu). Declared in every build (no
// CUDA headers here) so cells/ and tests can name it; a build without CUDA
// has a version that refuses with the one backend message
// (likelihoods/cuda/factories_without_cuda.cpp), so callers need no #if.
//
// The same model, prior and figure of merit as MgeLikelihood<Real>
// (mge_likelihood.hpp), computed per batch on the device except the 40 x 40
// positive-only solve, which runs on the host with the CPU's own
// solve_inversion (see mge_likelihood.cu for why, device/mge_plan.hpp for
// the memory layout; its host emulation is in tests/support/device_emulation).
// `context` names the cell (or test) for the out-of-device-memory message.
// Construction throws RunError when there is no usable device.
#include <memory>
#include <string>

#include "core/precision.hpp"
#include "likelihoods/lens/masked_imaging.hpp"
#include "likelihoods/likelihood.hpp"

namespace nslab {

std::unique_ptr<Likelihood> make_cuda_mge_likelihood(std::shared_ptr<const MaskedImaging> imaging,
                                                     Precision precision,
                                                     const std::string& context);

}  // namespace nslab
