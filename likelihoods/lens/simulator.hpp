#pragma once
// The project's own imaging datasets (docs/lens-likelihoods.md, "Datasets and
// instruments"): a statistical twin of autolens_profiling's. The truth lens
// (Sersic light, isothermal mass, external shear) and SersicCore source are
// imaged on the instrument's grid padded by the PSF, over-sampled with radial
// bins [32, 8, 2] at [0.3", 0.6"], convolved with the 21 x 21 Gaussian PSF
// (sigma one pixel, sum 1), trimmed, and observed for 300 s over a 0.1 e/s sky:
//   counts ~ Poisson((image + 0.1) 300), data = counts / 300 - 0.1,
//   noise_map = sqrt(|counts|) / 300.
// Pixel (row, col)'s count is drawn from the Philox stream
// (seed, kSimulator, row * n + col): the same seed gives the same dataset.
#include <cstdint>
#include <filesystem>

#include "likelihoods/lens/dataset.hpp"
#include "likelihoods/lens/instrument.hpp"

namespace nslab {

inline constexpr double kSimulatorExposureTime = 300.0;  // [s]
inline constexpr double kSimulatorSky = 0.1;             // [e / s]
inline constexpr std::uint64_t kDefaultSimulatorSeed = 1;

// The instrument's PSF: 21 x 21 circular Gaussian of sigma psf_sigma pixels, sum 1.
Image2D gaussian_psf(int size, double sigma_pixels);
// The noiseless truth image (before the PSF) on an n x n grid of pixel scale ps.
Image2D truth_image(int size, double pixel_scale);
ImagingDataset simulate_imaging(const ImagingInstrument& instrument,
                                std::uint64_t seed = kDefaultSimulatorSeed);

// The folder of the cached simulated dataset of (instrument, seed): under
// $NSLAB_CACHE_DIR, else $XDG_CACHE_HOME/nslab, else ~/.cache/nslab.
std::filesystem::path simulated_dataset_folder(const ImagingInstrument& instrument,
                                               std::uint64_t seed);
// Reads the cached dataset, simulating and caching it first if absent
// (written to a temporary folder, then renamed into place).
ImagingDataset cached_simulated_dataset(const ImagingInstrument& instrument,
                                        std::uint64_t seed = kDefaultSimulatorSeed);

}  // namespace nslab
