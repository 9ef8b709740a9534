#include "likelihoods/lens/masked_imaging.hpp"

#include <cmath>

#include "core/error.hpp"
#include "likelihoods/lens/inversion.hpp"

namespace nslab {

std::shared_ptr<const MaskedImaging> make_masked_imaging(ImagingDataset dataset,
                                                         double mask_radius,
                                                         const OverSamplingRule& rule) {
  if (dataset.data.rows != dataset.data.cols)
    throw RunError("imaging dataset is " + std::to_string(dataset.data.rows) + "x" +
                   std::to_string(dataset.data.cols) + "; the cells' circular mask needs a square one");
  auto imaging = std::make_shared<MaskedImaging>();
  imaging->mask = make_circular_mask(dataset.data.rows, dataset.pixel_scale, mask_radius);
  imaging->light_profile_grid =
      make_sub_pixel_grid(imaging->mask.pixels, dataset.pixel_scale, rule);
  // The blurring region is PyAutoArray's, from the whole kernel; the
  // convolutions use its core, so the region's outermost pixels may feed no
  // output (they would only through taps of under 1e-17 of the kernel).
  imaging->blurring = make_blurring_pixels(imaging->mask, dataset.psf.rows, dataset.psf.cols);
  imaging->psf_kernel = without_negligible_border(dataset.psf);
  imaging->psf = std::make_unique<PsfConvolver>(imaging->psf_kernel, imaging->mask.pixels, imaging->blurring);
  const std::size_t n = imaging->mask.pixels.size();
  if (n == 0)
    throw RunError("imaging dataset: the mask of radius " + std::to_string(mask_radius) +
                   "\" holds no pixel of this " + std::to_string(dataset.data.rows) + "x" +
                   std::to_string(dataset.data.cols) + " image");
  imaging->data = TrackedBuffer<double>(n);
  imaging->noise_map = TrackedBuffer<double>(n);
  for (std::size_t i = 0; i < n; ++i) {
    const MaskedPixel& pixel = imaging->mask.pixels[i];
    imaging->data[i] = dataset.data.at(pixel.row, pixel.col);
    imaging->noise_map[i] = dataset.noise_map.at(pixel.row, pixel.col);
    if (!std::isfinite(imaging->data[i]))
      throw RunError("imaging dataset: data is " + std::to_string(imaging->data[i]) +
                     " at masked pixel (" + std::to_string(pixel.row) + ", " +
                     std::to_string(pixel.col) + "); mask it out or mend the data");
    if (!(imaging->noise_map[i] > 0.0 && std::isfinite(imaging->noise_map[i])))
      throw RunError("imaging dataset: noise_map is " + std::to_string(imaging->noise_map[i]) +
                     " at masked pixel (" + std::to_string(pixel.row) + ", " +
                     std::to_string(pixel.col) + "); it must be positive");
  }
  imaging->noise_normalization = noise_normalization(imaging->noise_map.span());
  imaging->dataset = std::move(dataset);
  return imaging;
}

}  // namespace nslab
