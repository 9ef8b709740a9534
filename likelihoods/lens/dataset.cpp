#include "likelihoods/lens/dataset.hpp"

#include <cmath>

#include "core/error.hpp"

namespace nslab {

ImagingDataset read_imaging_dataset(const std::filesystem::path& folder,
                                    std::optional<double> pixel_scale) {
  if (!std::filesystem::is_directory(folder))
    throw RunError("imaging dataset folder '" + folder.string() + "' does not exist");
  ImagingDataset dataset;
  dataset.data = read_fits_image(folder / "data.fits");
  dataset.noise_map = read_fits_image(folder / "noise_map.fits");
  dataset.psf = read_fits_image(folder / "psf.fits");
  if (pixel_scale) {
    dataset.pixel_scale = *pixel_scale;
  } else if (!read_fits_keyword(folder / "data.fits", "PIXSCALE", dataset.pixel_scale)) {
    throw RunError("imaging dataset '" + folder.string() +
                   "': data.fits has no PIXSCALE keyword; give the pixel scale");
  }
  if (!(dataset.pixel_scale > 0.0))
    throw RunError("imaging dataset '" + folder.string() + "': pixel scale must be positive");
  if (dataset.noise_map.rows != dataset.data.rows || dataset.noise_map.cols != dataset.data.cols)
    throw RunError("imaging dataset '" + folder.string() + "': noise_map is " +
                   std::to_string(dataset.noise_map.rows) + "x" +
                   std::to_string(dataset.noise_map.cols) + " but data is " +
                   std::to_string(dataset.data.rows) + "x" + std::to_string(dataset.data.cols));
  if (dataset.psf.rows % 2 == 0 || dataset.psf.cols % 2 == 0)
    throw RunError("imaging dataset '" + folder.string() + "': the PSF must have odd sides, not " +
                   std::to_string(dataset.psf.rows) + "x" + std::to_string(dataset.psf.cols));
  double sum = 0.0;
  for (double value : dataset.psf.values) sum += value;
  if (!(std::isfinite(sum) && sum != 0.0))
    throw RunError("imaging dataset '" + folder.string() + "': the PSF sums to " +
                   std::to_string(sum));
  for (double& value : dataset.psf.values) value /= sum;
  return dataset;
}

void write_imaging_dataset(const ImagingDataset& dataset, const std::filesystem::path& folder) {
  std::filesystem::create_directories(folder);
  const std::map<std::string, double> keywords = {{"PIXSCALE", dataset.pixel_scale}};
  write_fits_image(folder / "data.fits", dataset.data, keywords);
  write_fits_image(folder / "noise_map.fits", dataset.noise_map, keywords);
  write_fits_image(folder / "psf.fits", dataset.psf, keywords);
}

}  // namespace nslab
