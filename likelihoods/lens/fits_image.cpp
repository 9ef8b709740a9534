#include "likelihoods/lens/fits_image.hpp"

#include <fitsio.h>

#include "core/error.hpp"

namespace nslab {
namespace {

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& what, int status) {
  char message[FLEN_STATUS] = {0};
  fits_get_errstatus(status, message);
  throw RunError("FITS " + what + " '" + path.string() + "': " + message);
}

struct FitsFile {
  fitsfile* file = nullptr;
  ~FitsFile() {
    int status = 0;
    if (file != nullptr) fits_close_file(file, &status);
  }
};

}  // namespace

Image2D read_fits_image(const std::filesystem::path& path) {
  FitsFile fits;
  int status = 0;
  if (fits_open_image(&fits.file, path.c_str(), READONLY, &status)) fail(path, "open", status);
  int naxis = 0;
  long naxes[2] = {0, 0};
  if (fits_get_img_dim(fits.file, &naxis, &status)) fail(path, "read", status);
  if (naxis != 2) throw RunError("FITS '" + path.string() + "' holds a " + std::to_string(naxis) +
                                 "-D image; a 2-D image is expected");
  if (fits_get_img_size(fits.file, 2, naxes, &status)) fail(path, "read", status);
  Image2D image(static_cast<int>(naxes[1]), static_cast<int>(naxes[0]));
  long first[2] = {1, 1};
  int any_null = 0;
  if (fits_read_pix(fits.file, TDOUBLE, first, static_cast<LONGLONG>(image.values.size()), nullptr,
                    image.values.data(), &any_null, &status))
    fail(path, "read", status);
  return image;
}

bool read_fits_keyword(const std::filesystem::path& path, const std::string& key, double& value) {
  FitsFile fits;
  int status = 0;
  if (fits_open_image(&fits.file, path.c_str(), READONLY, &status)) fail(path, "open", status);
  double read = 0.0;
  if (fits_read_key(fits.file, TDOUBLE, key.c_str(), &read, nullptr, &status)) {
    if (status == KEY_NO_EXIST) return false;
    fail(path, "read keyword " + key + " of", status);
  }
  value = read;
  return true;
}

void write_fits_image(const std::filesystem::path& path, const Image2D& image,
                      const std::map<std::string, double>& keywords) {
  std::error_code ignored;
  std::filesystem::remove(path, ignored);
  FitsFile fits;
  int status = 0;
  if (fits_create_file(&fits.file, path.c_str(), &status)) fail(path, "create", status);
  long naxes[2] = {image.cols, image.rows};
  if (fits_create_img(fits.file, DOUBLE_IMG, 2, naxes, &status)) fail(path, "write", status);
  for (const auto& [key, number] : keywords) {
    double copy = number;
    if (fits_write_key(fits.file, TDOUBLE, key.c_str(), &copy, nullptr, &status))
      fail(path, "write keyword " + key + " of", status);
  }
  long first[2] = {1, 1};
  if (fits_write_pix(fits.file, TDOUBLE, first, static_cast<LONGLONG>(image.values.size()),
                     const_cast<double*>(image.values.data()), &status))
    fail(path, "write", status);
}

}  // namespace nslab
