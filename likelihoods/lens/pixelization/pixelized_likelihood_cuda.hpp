#pragma once
// imaging/pixelization and imaging/delaunay on the device
// (pixelized_likelihood.cu). Declared in every build (no CUDA headers here)
// so cells/ and tests can name it; defined only in CUDA builds, so callers
// guard their use with NSLAB_WITH_CUDA.
//
// The same model, prior and figure of merit as PixelizedLikelihood<Real>
// (pixelized_likelihood.hpp) for the same source and formulation, per batch
// on the device, with the positive-only solve and the log-determinants on
// host threads (docs/gpu.md says why, and what runs where). `context` names
// the cell (or test) for the out-of-device-memory message. Construction
// throws RunError when there is no usable device, or when the sparse path's
// per-block image does not fit the device's shared memory.
#include <map>
#include <memory>
#include <string>

#include "core/precision.hpp"
#include "likelihoods/lens/masked_imaging.hpp"
#include "likelihoods/lens/pixelization/pixelized_likelihood.hpp"
#include "likelihoods/lens/pixelization/pixelized_source.hpp"
#include "likelihoods/likelihood.hpp"

namespace nslab {

std::unique_ptr<Likelihood> make_cuda_pixelized_likelihood(std::shared_ptr<const MaskedImaging> imaging,
                                                           std::shared_ptr<const PixelizedSource> source,
                                                           InversionFormulation formulation,
                                                           Precision precision, const std::string& context);

// Where a device likelihood's time goes, summed over its evaluations since
// the last reset [ms]: device phases timed by CUDA events between them, host
// phases by the host's clock, and the slices it ran. The pixelized device
// likelihood implements it (dynamic_cast a Likelihood to read it).
class DevicePhaseTimes {
 public:
  virtual ~DevicePhaseTimes() = default;
  virtual std::map<std::string, double> phase_ms() const = 0;
  virtual void reset_phase_ms() = 0;
};

}  // namespace nslab
