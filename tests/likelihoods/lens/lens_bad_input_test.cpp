// Bad datasets are refused with a clear error naming what is wrong, never a
// crash or a silent number (issue 3's bad-input list).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>

#include "core/error.hpp"
#include "likelihoods/lens/dataset.hpp"
#include "likelihoods/lens/masked_imaging.hpp"
#include "support/result_files.hpp"

namespace nslab {
namespace {

namespace fs = std::filesystem;

ImagingDataset small_dataset() {
  ImagingDataset dataset;
  dataset.data = Image2D(29, 29, 0.1);
  dataset.noise_map = Image2D(29, 29, 0.05);
  dataset.psf = Image2D(3, 3, 1.0);
  dataset.pixel_scale = 0.25;
  return dataset;
}

fs::path write(const ImagingDataset& dataset, const std::string& name) {
  const fs::path folder = nslab::testing::test_scratch_root() / "bad-datasets" / name;
  fs::remove_all(folder);
  write_imaging_dataset(dataset, folder);
  return folder;
}

void expect_refused(const std::function<void()>& action, const std::string& words) {
  try {
    action();
    ADD_FAILURE() << "accepted; expected an error mentioning '" << words << "'";
  } catch (const RunError& error) {
    EXPECT_NE(std::string(error.what()).find(words), std::string::npos) << error.what();
  }
}

TEST(LensBadInput, MissingOrMalformedFilesAreRefused) {
  expect_refused([] { read_imaging_dataset("/nonexistent/dataset"); }, "does not exist");
  const fs::path folder = write(small_dataset(), "missing-psf");
  fs::remove(folder / "psf.fits");
  expect_refused([&] { read_imaging_dataset(folder); }, "psf.fits");
  const fs::path garbage = write(small_dataset(), "garbage-fits");
  { std::ofstream(garbage / "data.fits") << "not a FITS file"; }
  expect_refused([&] { read_imaging_dataset(garbage); }, "data.fits");
}

TEST(LensBadInput, ShapesAndPsfAreChecked) {
  ImagingDataset mismatched = small_dataset();
  mismatched.noise_map = Image2D(27, 29, 0.05);
  expect_refused([&] { read_imaging_dataset(write(mismatched, "mismatched")); }, "noise_map is 27x29");
  ImagingDataset even = small_dataset();
  even.psf = Image2D(4, 4, 1.0);
  expect_refused([&] { read_imaging_dataset(write(even, "even-psf")); }, "odd sides");
}

TEST(LensBadInput, NanDataNonPositiveNoiseAndEmptyMaskAreRefused) {
  ImagingDataset nan_data = small_dataset();
  nan_data.data.at(14, 14) = std::nan("");
  expect_refused([&] { make_masked_imaging(nan_data, 3.5); }, "data is nan");
  ImagingDataset zero_noise = small_dataset();
  zero_noise.noise_map.at(14, 14) = 0.0;
  expect_refused([&] { make_masked_imaging(zero_noise, 3.5); }, "must be positive");
  expect_refused([&] { make_masked_imaging(small_dataset(), 0.0); }, "holds no pixel");
}

}  // namespace
}  // namespace nslab
