#include "cells/imaging_cells.hpp"

#include <cmath>
#include <filesystem>

#include "core/error.hpp"
#include "likelihoods/lens/dataset.hpp"
#include "likelihoods/lens/fits_image.hpp"
#include "likelihoods/lens/instrument.hpp"
#include "likelihoods/lens/simulator.hpp"

namespace nslab {

std::vector<std::string> imaging_instrument_names() {
  std::vector<std::string> names;
  for (const auto& instrument : imaging_instruments()) names.push_back(instrument.name);
  return names;
}

std::shared_ptr<const MaskedImaging> imaging_for(const CellId& cell, const Settings& settings) {
  const ImagingInstrument& instrument = imaging_instrument(cell.instrument);
  const std::string& dataset = settings.text("dataset");
  if (dataset == "simulated")
    return make_masked_imaging(cached_simulated_dataset(instrument), instrument.mask_radius);
  const std::filesystem::path folder(dataset);
  for (const char* file : {"data.fits", "noise_map.fits", "psf.fits"})
    if (!std::filesystem::exists(folder / file))
      throw UsageError("setting dataset='" + dataset + "': no " + file +
                       " there (give a folder of PyAutoLens FITS files data.fits, noise_map.fits "
                       "and psf.fits, or 'simulated')");
  double header_scale = 0.0;
  if (read_fits_keyword(folder / "data.fits", "PIXSCALE", header_scale) &&
      std::abs(header_scale - instrument.pixel_scale) > 1e-9 * instrument.pixel_scale)
    throw UsageError("setting dataset='" + dataset + "': its pixel scale " +
                     std::to_string(header_scale) + "\" is not the " + instrument.name +
                     " instrument's " + std::to_string(instrument.pixel_scale) +
                     "\"; pick the matching instrument");
  // The dataset is what the user gave: a malformed one is refused (exit 2).
  ImagingDataset read;
  try {
    read = read_imaging_dataset(folder, instrument.pixel_scale);
  } catch (const RunError& error) {
    throw UsageError("setting dataset='" + dataset + "': " + error.what());
  }
  // Without PIXSCALE the scale is assumed, so the shape must be the
  // instrument's own canvas: a 141x141 HST image fitted as `ci` would
  // otherwise be read at the wrong scale without a word.
  const bool has_scale = read_fits_keyword(folder / "data.fits", "PIXSCALE", header_scale);
  if (!has_scale && (read.data.rows != instrument.grid_size() || read.data.cols != instrument.grid_size()))
    throw UsageError("setting dataset='" + dataset + "': a " + std::to_string(read.data.rows) + "x" +
                     std::to_string(read.data.cols) + " image without a PIXSCALE keyword is not the " +
                     instrument.name + " instrument's " + std::to_string(instrument.grid_size()) + "x" +
                     std::to_string(instrument.grid_size()) + " canvas; pick the matching instrument");
  try {
    return make_masked_imaging(std::move(read), instrument.mask_radius);
  } catch (const RunError& error) {
    throw UsageError("setting dataset='" + dataset + "': " + error.what());
  }
}

}  // namespace nslab
