#pragma once
// One 2-D float64 image per FITS file: the PyAutoLens dataset layout
// (data.fits, noise_map.fits, psf.fits). Read through cfitsio, which converts
// any numeric BITPIX to double, so float32 files written by other tools load too.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace nslab {

// A row-major image: values[row * cols + col]. Row 0 is the top of the image
// as PyAutoLens shows it (its y axis points up, so y decreases with row).
struct Image2D {
  int rows = 0, cols = 0;
  std::vector<double> values;

  Image2D() = default;
  Image2D(int rows_, int cols_, double fill = 0.0)
      : rows(rows_), cols(cols_), values(static_cast<std::size_t>(rows_) * cols_, fill) {}
  double& at(int row, int col) { return values[static_cast<std::size_t>(row) * cols + col]; }
  double at(int row, int col) const { return values[static_cast<std::size_t>(row) * cols + col]; }
};

// Throws RunError naming the file and cfitsio's message. The primary HDU must
// hold a 2-D image. FITS stores the first row at the bottom (NAXIS2 index 1),
// and so does astropy, which PyAutoLens reads and writes through: the row
// order is kept as stored, exactly as numpy sees it.
Image2D read_fits_image(const std::filesystem::path& path);

// Reads a floating-point header keyword of the primary HDU, if present.
bool read_fits_keyword(const std::filesystem::path& path, const std::string& key, double& value);

// Writes a float64 image (BITPIX -64), replacing any file there, with the
// given floating-point keywords in the primary header.
void write_fits_image(const std::filesystem::path& path, const Image2D& image,
                      const std::map<std::string, double>& keywords = {});

}  // namespace nslab
