#pragma once
// Small imaging datasets for the pixelized-source tests, made here so the
// tests do not depend on the simulator: the truth lens and source of
// docs/lens-likelihoods.md imaged at pixel centres, with a deliberately lopsided PSF (so a
// flipped kernel anywhere would show) and a noise map that varies across the
// image (so a misplaced 1/sigma^2 would show).
#include <cmath>
#include <memory>

#include "likelihoods/lens/lens_parameters.hpp"
#include "likelihoods/lens/masked_imaging.hpp"
#include "likelihoods/lens/profiles.hpp"

namespace nslab::pixelization_test {

inline Image2D lopsided_psf(int size) {
  Image2D psf(size, size);
  const int h = size / 2;
  double total = 0.0;
  for (int r = 0; r < size; ++r)
    for (int c = 0; c < size; ++c) {
      const double dy = r - h + 0.4, dx = c - h - 0.7;
      psf.at(r, c) = std::exp(-0.5 * (dy * dy / 1.2 + dx * dx / 0.7)) * (1.0 + 0.3 * (c > h));
      total += psf.at(r, c);
    }
  for (double& v : psf.values) v /= total;
  return psf;
}

inline ImagingDataset lensed_dataset(int grid_size, double pixel_scale, int psf_size) {
  ImagingDataset dataset;
  dataset.pixel_scale = pixel_scale;
  dataset.psf = lopsided_psf(psf_size);
  dataset.data = Image2D(grid_size, grid_size);
  dataset.noise_map = Image2D(grid_size, grid_size);
  const LensGalaxy lens = lens_galaxy_from(lens_truth_parameters(), {1.0});
  const SersicCore source(0.05, -0.02, ell_comps_from(0.8, 60.0), 4.0, 0.1, 1.0);
  const Sersic light(0.0, 0.0, ell_comps_from(0.9, 45.0), 2.0, 0.6, 3.0);
  const double centre = (grid_size - 1) / 2.0;
  for (int r = 0; r < grid_size; ++r)
    for (int c = 0; c < grid_size; ++c) {
      const double y = (centre - r) * pixel_scale, x = (c - centre) * pixel_scale;
      double by, bx;
      lens.mass.trace(y, x, by, bx);
      // A deterministic "noise" pattern keeps the fit imperfect without an RNG.
      const double wiggle = 0.02 * std::sin(3.1 * r + 1.7 * c);
      dataset.data.at(r, c) = source.image(by, bx) + 0.2 * light.image(y, x) + wiggle;
      dataset.noise_map.at(r, c) = 0.05 + 0.02 * (1.0 + std::cos(0.7 * r - 0.4 * c));
    }
  return dataset;
}

// The ci geometry (29 x 29 at 0.25", the 3.5" mask) with a 7 x 7 lopsided PSF.
inline std::shared_ptr<const MaskedImaging> small_imaging() {
  static const auto imaging = make_masked_imaging(lensed_dataset(29, 0.25, 7), 3.5);
  return imaging;
}

}  // namespace nslab::pixelization_test
