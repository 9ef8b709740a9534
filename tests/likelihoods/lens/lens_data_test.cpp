// Dataset I/O, the Poisson draw and the simulator.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <unistd.h>

#include "likelihoods/lens/dataset.hpp"
#include "support/lens_test_data.hpp"
#include "likelihoods/lens/poisson.hpp"
#include "likelihoods/lens/simulator.hpp"

namespace nslab {
namespace {

std::filesystem::path temporary_folder(const std::string& name) {
  const auto folder = std::filesystem::temp_directory_path() /
                      ("nslab-lens-test-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(folder);
  return folder;
}

TEST(LensDataset, FitsRoundTripKeepsRowOrderAndPixelScaleAndNormalisesThePsf) {
  ImagingDataset dataset{Image2D(3, 4), Image2D(3, 4, 0.5), Image2D(3, 3, 2.0), 0.07};
  for (std::size_t i = 0; i < dataset.data.values.size(); ++i) dataset.data.values[i] = 0.25 * i - 1.0;
  const auto folder = temporary_folder("roundtrip");
  write_imaging_dataset(dataset, folder);
  const ImagingDataset read = read_imaging_dataset(folder);
  EXPECT_EQ(read.data.rows, 3);
  EXPECT_EQ(read.data.cols, 4);
  EXPECT_EQ(read.data.values, dataset.data.values);
  EXPECT_DOUBLE_EQ(read.pixel_scale, 0.07);
  for (double v : read.psf.values) EXPECT_DOUBLE_EQ(v, 1.0 / 9.0);
  std::filesystem::remove_all(folder);
}

TEST(LensDataset, ReadsTheRealHstDataset) {
  if (!lens_test::hst_dataset_present())
    GTEST_SKIP() << "the HST dataset is not at " << lens_test::hst_dataset_folder();
  const ImagingDataset dataset = read_imaging_dataset(lens_test::hst_dataset_folder(), 0.05);
  EXPECT_EQ(dataset.data.rows, 141);
  EXPECT_EQ(dataset.psf.rows, 21);
  double sum = 0.0;
  for (double v : dataset.psf.values) sum += v;
  EXPECT_NEAR(sum, 1.0, 1e-14);
}

TEST(LensPoisson, DrawsHaveThePoissonMeanAndVariance) {
  for (double mean : {0.3, 4.0, 30.0, 2500.0}) {
    const int draws = 20000;
    double sum = 0.0, sum2 = 0.0;
    for (int i = 0; i < draws; ++i) {
      const double k = poisson_draw(RandomStream(99, RandomPurpose::kTest, i), mean);
      ASSERT_EQ(k, std::floor(k));
      ASSERT_GE(k, 0.0);
      sum += k, sum2 += k * k;
    }
    const double m = sum / draws, variance = sum2 / draws - m * m;
    EXPECT_NEAR(m, mean, 5.0 * std::sqrt(mean / draws)) << mean;
    EXPECT_NEAR(variance / mean, 1.0, 0.05) << mean;
  }
}

TEST(LensSimulator, SameSeedSameDatasetAndNoiseFollowsTheCounts) {
  const ImagingInstrument& ci = imaging_instrument("ci");
  const ImagingDataset a = simulate_imaging(ci, 1), b = simulate_imaging(ci, 1), c = simulate_imaging(ci, 2);
  EXPECT_EQ(a.data.values, b.data.values);
  EXPECT_NE(a.data.values, c.data.values);
  EXPECT_EQ(a.data.rows, ci.grid_size());
  for (std::size_t i = 0; i < a.data.values.size(); ++i) {
    const double counts = (a.data.values[i] + kSimulatorSky) * kSimulatorExposureTime;
    EXPECT_NEAR(counts, std::round(counts), 1e-6);
    EXPECT_NEAR(a.noise_map.values[i], std::sqrt(counts) / kSimulatorExposureTime, 1e-12);
  }
  // The lens is brightest at the centre, far above the sky.
  const int centre = ci.grid_size() / 2;
  EXPECT_GT(a.data.at(centre, centre), 10.0 * a.data.at(0, 0) + 1.0);
}

}  // namespace
}  // namespace nslab
