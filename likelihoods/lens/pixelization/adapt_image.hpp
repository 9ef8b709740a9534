#pragma once
// The adapt image of the pixelized cells (docs/lens-likelihoods.md): the truth source's
// lensed image, PSF-blurred, on the masked grid -- what autolens_profiling's
// adapt_image_for_dataset computes with tracer.blurred_image_2d_list_from
// (the source plane's image on the over-sampled light-profile grid and the
// blurring pixels, convolved with the PSF). The truth is the
// simulator's lens (also tracer.json of the real HST dataset) and its
// SersicCore source. It drives the rectangular mesh's weights and the
// Hilbert image mesh of the Delaunay source, once per dataset.
#include <vector>

#include "likelihoods/lens/masked_imaging.hpp"

namespace nslab {

// One value per masked pixel, in mask order.
std::vector<double> truth_source_adapt_image(const MaskedImaging& imaging);

}  // namespace nslab
