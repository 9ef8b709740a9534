// The source meshes of the pixelized cells, for the tests that rebuild a
// cell's likelihood by hand: 39 x 39 pixels (rectangular) and 1,500 vertices
// (Delaunay) on hst and the real HST dataset, 12 x 12 and 150 on ci, both
// adapted to the simulator's true source.
#pragma once

#include <memory>
#include <string_view>

#include "likelihoods/lens/mesh/hilbert_image_mesh.hpp"
#include "likelihoods/lens/pixelization/adapt_image.hpp"
#include "likelihoods/lens/pixelization/pixelized_likelihood.hpp"

namespace nslab::pixelized_cells {

// model: "rectangular" or "delaunay"; ci: the ci-sized mesh.
inline std::shared_ptr<const PixelizedSource> make_source(std::string_view model, const MaskedImaging& imaging,
                                                          bool ci) {
  if (model == "rectangular") return std::make_shared<RectangularSource>(ci ? 12 : 39, truth_source_adapt_image(imaging));
  return std::make_shared<DelaunaySource>(hilbert_image_mesh(imaging.mask, truth_source_adapt_image(imaging), ci ? 150 : 1500));
}

}  // namespace nslab::pixelized_cells
