#include "likelihoods/lens/simulator.hpp"

#include <cmath>
#include <cstdlib>
#include <unistd.h>

#include "core/thread_pool.hpp"
#include "likelihoods/lens/grids.hpp"
#include "likelihoods/lens/poisson.hpp"
#include "likelihoods/lens/profiles.hpp"

namespace nslab {

Image2D gaussian_psf(int size, double sigma_pixels) {
  Image2D psf(size, size);
  const double centre = 0.5 * (size - 1);
  double sum = 0.0;
  for (int row = 0; row < size; ++row) {
    for (int col = 0; col < size; ++col) {
      const double dy = centre - row, dx = col - centre;
      psf.at(row, col) = std::exp(-0.5 * (dy * dy + dx * dx) / (sigma_pixels * sigma_pixels));
      sum += psf.at(row, col);
    }
  }
  for (double& value : psf.values) value /= sum;
  return psf;
}

Image2D truth_image(int size, double pixel_scale) {
  const Sersic lens_light(0.0, 0.0, ell_comps_from(0.9, 45.0), 2.0, 0.6, 3.0);
  const LensMass lens{Isothermal(0.0, 0.0, ell_comps_from(0.9, 45.0), 1.6), ExternalShear{0.05, 0.05}};
  const SersicCore source(0.0, 0.0, ell_comps_from(0.8, 60.0), 4.0, 0.1, 1.0);
  const OverSamplingRule rule = OverSamplingRule::simulator();
  Image2D image(size, size);
  const double centre = 0.5 * (size - 1);
  default_thread_pool().parallel_for(static_cast<std::size_t>(size), [&](std::size_t row) {
    for (int col = 0; col < size; ++col) {
      const double y = (centre - static_cast<double>(row)) * pixel_scale;
      const double x = (col - centre) * pixel_scale;
      const int s = rule.sub_size_at(y, x);
      const double step = pixel_scale / s;
      double sum = 0.0;
      for (int i = 0; i < s; ++i) {
        for (int j = 0; j < s; ++j) {
          const double sy = y + pixel_scale / 2.0 - step / 2.0 - i * step;
          const double sx = x - pixel_scale / 2.0 + step / 2.0 + j * step;
          double beta_y, beta_x;
          lens.trace(sy, sx, beta_y, beta_x);
          sum += lens_light.image(sy, sx) + source.image(beta_y, beta_x);
        }
      }
      image.at(static_cast<int>(row), col) = sum / (static_cast<double>(s) * s);
    }
  });
  return image;
}

namespace {
// "same"-mode convolution on a zero canvas.
Image2D convolve_same(const Image2D& image, const Image2D& kernel) {
  Image2D out(image.rows, image.cols);
  const int hr = kernel.rows / 2, hc = kernel.cols / 2;
  default_thread_pool().parallel_for(static_cast<std::size_t>(image.rows), [&](std::size_t r) {
    const int row = static_cast<int>(r);
    for (int col = 0; col < image.cols; ++col) {
      double sum = 0.0;
      for (int dy = -hr; dy <= hr; ++dy) {
        const int rr = row + dy;
        if (rr < 0 || rr >= image.rows) continue;
        for (int dx = -hc; dx <= hc; ++dx) {
          const int cc = col + dx;
          if (cc < 0 || cc >= image.cols) continue;
          sum += kernel.at(hr - dy, hc - dx) * image.at(rr, cc);
        }
      }
      out.at(row, col) = sum;
    }
  });
  return out;
}
}  // namespace

ImagingDataset simulate_imaging(const ImagingInstrument& instrument, std::uint64_t seed) {
  const int n = instrument.grid_size();
  const Image2D psf = gaussian_psf(instrument.psf_size, instrument.psf_sigma);
  // Image on the grid padded by the PSF so flux from outside blurs in, then trim.
  const int pad = instrument.psf_size / 2;
  const Image2D blurred = convolve_same(truth_image(n + 2 * pad, instrument.pixel_scale), psf);
  ImagingDataset dataset{Image2D(n, n), Image2D(n, n), psf, instrument.pixel_scale};
  for (int row = 0; row < n; ++row) {
    for (int col = 0; col < n; ++col) {
      const RandomStream stream(seed, RandomPurpose::kSimulator,
                                static_cast<std::uint32_t>(row * n + col));
      const double mean = (blurred.at(row + pad, col + pad) + kSimulatorSky) * kSimulatorExposureTime;
      const double counts = poisson_draw(stream, mean);
      dataset.data.at(row, col) = counts / kSimulatorExposureTime - kSimulatorSky;
      dataset.noise_map.at(row, col) = std::sqrt(std::abs(counts)) / kSimulatorExposureTime;
    }
  }
  return dataset;
}

std::filesystem::path simulated_dataset_folder(const ImagingInstrument& instrument,
                                               std::uint64_t seed) {
  std::filesystem::path root;
  if (const char* cache = std::getenv("NSLAB_CACHE_DIR"); cache && *cache) {
    root = cache;
  } else if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
    root = std::filesystem::path(xdg) / "nslab";
  } else if (const char* home = std::getenv("HOME"); home && *home) {
    root = std::filesystem::path(home) / ".cache/nslab";
  } else {
    root = std::filesystem::temp_directory_path() / "nslab-cache";
  }
  // v1: bump when the simulator changes, so stale caches are never read.
  return root / "datasets/imaging" / (instrument.name + "-seed" + std::to_string(seed) + "-v1");
}

ImagingDataset cached_simulated_dataset(const ImagingInstrument& instrument, std::uint64_t seed) {
  const std::filesystem::path folder = simulated_dataset_folder(instrument, seed);
  if (!std::filesystem::exists(folder / "psf.fits")) {
    const ImagingDataset dataset = simulate_imaging(instrument, seed);
    const std::filesystem::path temporary =
        folder.string() + ".tmp-" + std::to_string(static_cast<long>(::getpid()));
    std::filesystem::remove_all(temporary);
    write_imaging_dataset(dataset, temporary);
    std::error_code error;
    std::filesystem::rename(temporary, folder, error);
    // Another process may have cached it first; theirs is identical.
    if (error) std::filesystem::remove_all(temporary);
  }
  return read_imaging_dataset(folder, instrument.pixel_scale);
}

}  // namespace nslab
