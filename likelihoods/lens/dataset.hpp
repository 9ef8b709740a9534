#pragma once
// An imaging dataset in the PyAutoLens layout: a folder with data.fits,
// noise_map.fits and psf.fits (one 2-D float64 image each) and a pixel scale.
#include <filesystem>
#include <optional>

#include "likelihoods/lens/fits_image.hpp"

namespace nslab {

struct ImagingDataset {
  Image2D data;         // [electrons / s]
  Image2D noise_map;    // RMS of each data pixel, same units
  Image2D psf;          // odd x odd kernel, normalised to sum 1 on read
  double pixel_scale = 0.0;  // [arcsec / pixel]
};

// Reads DIR/{data,noise_map,psf}.fits. The pixel scale is `pixel_scale` when
// given, else the PIXSCALE keyword of data.fits (which PyAutoLens writes and
// reads), else a RunError. Checks the shapes agree and the PSF is odd-sized.
// The PSF is normalised to sum 1, as PyAutoLens's Imaging does by default.
ImagingDataset read_imaging_dataset(const std::filesystem::path& folder,
                                    std::optional<double> pixel_scale = std::nullopt);

// Writes the three files (float64, PIXSCALE in each header) into `folder`,
// creating it if needed.
void write_imaging_dataset(const ImagingDataset& dataset, const std::filesystem::path& folder);

}  // namespace nslab
