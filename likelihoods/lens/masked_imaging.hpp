#pragma once
// A dataset with the cells' mask applied: everything an imaging likelihood
// keeps for the whole run and shares between evaluations (and between the
// mge, pixelization and delaunay models). Built once per likelihood.
#include <memory>

#include "core/tracked_buffer.hpp"
#include "likelihoods/grid/circular_mask.hpp"
#include "likelihoods/lens/dataset.hpp"
#include "likelihoods/lens/grids.hpp"
#include "likelihoods/lens/psf_convolver.hpp"
#include "likelihoods/lens/psf_kernel.hpp"

namespace nslab {

struct MaskedImaging {
  ImagingDataset dataset;
  CircularMask mask;                       // masked pixels, row-major: the pixelization grid
  SubPixelGrid light_profile_grid;         // over-sampled masked pixels
  std::vector<MaskedPixel> blurring;       // light profiles are evaluated here too
  Image2D psf_kernel;                      // dataset.psf less its negligible border (psf_kernel.hpp)
  std::unique_ptr<PsfConvolver> psf;       // same-mode convolution by psf_kernel onto the masked pixels
  TrackedBuffer<double> data, noise_map;   // at the masked pixels, in mask order
  double noise_normalization = 0.0;        // sum ln(2 pi sigma^2)

  std::size_t masked_pixels() const { return mask.pixels.size(); }
  std::size_t over_sampled_points() const { return light_profile_grid.points(); }
  std::size_t blurring_pixels() const { return blurring.size(); }
};

// Square datasets only (every instrument's is); throws RunError otherwise or
// when a masked noise value is not positive.
std::shared_ptr<const MaskedImaging> make_masked_imaging(
    ImagingDataset dataset, double mask_radius,
    const OverSamplingRule& rule = OverSamplingRule::light_profile());

}  // namespace nslab
