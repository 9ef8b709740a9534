#pragma once
// What the PyAutoLens parity tests share (docs/parity.md): the committed
// references of tests/data/parity/, the simulated datasets they were made
// from, and the comparison of nslab's fit with PyAutoLens's at one point.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <unistd.h>
#include <vector>

#include <nlohmann/json.hpp>

#include "likelihoods/lens/dataset.hpp"
#include "likelihoods/lens/fits_image.hpp"
#include "likelihoods/lens/inversion.hpp"
#include "likelihoods/lens/instrument.hpp"
#include "support/lens_test_data.hpp"
#include "likelihoods/lens/masked_imaging.hpp"
#include "likelihoods/lens/pixelization/adapt_image.hpp"
#include "likelihoods/lens/pixelization/pixelized_likelihood.hpp"
#include "likelihoods/lens/simulator.hpp"

// The real-HST tests' first line: GTEST_SKIP returns from the test body, so
// this has to be a macro.
#define NSLAB_SKIP_WITHOUT_SHARED_HST_DATASET()                                                  \
  if (!::nslab::lens_test::hst_dataset_present())                                                \
  GTEST_SKIP() << "no HST dataset at " << ::nslab::lens_test::hst_dataset_folder()               \
               << " (shared/ is absent); set NSLAB_SHARED_DIR to run the real-HST parity"

namespace nslab::parity {

// tests/data/parity/NAME (under NSLAB_SOURCE_DIR when set: a build carried to
// a GPU machine); a missing one fails the test saying how it is made.
inline nlohmann::json reference(const std::string& name) {
  const std::filesystem::path path = lens_test::source_dir() / "tests/data/parity" / name;
  std::ifstream in(path);
  if (!in)
    throw std::runtime_error("no PyAutoLens reference " + path.string() +
                             " (tools/parity/make_references.sh makes it)");
  return nlohmann::json::parse(in);
}

inline double relative(double a, double b) {
  return std::abs(a - b) / std::max(std::abs(b), 1e-300);
}

// FNV-1a (64-bit) of the image's values as little-endian float64, row by row
// in the order the FITS file stores them: the checksum that
// tools/parity/pyautolens_reference.py records for each file of a simulated
// dataset. Not cryptographic: it only has to tell one dataset from another.
inline std::string pixel_checksum(const Image2D& image) {
  std::uint64_t digest = 0xcbf29ce484222325ULL;
  for (const double value : image.values) {
    const auto bits = std::bit_cast<std::uint64_t>(value);
    for (int byte = 0; byte < 8; ++byte) {
      digest ^= (bits >> (8 * byte)) & 0xffU;
      digest *= 0x100000001b3ULL;
    }
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(digest));
  return hex;
}

// The dataset a simulated reference was made from, rebuilt here, and whether
// it is that dataset. `mismatch` is empty when it is; otherwise it says which
// file differs, so a failure reads "the dataset differs" (the simulator moved:
// regenerate the references) rather than "the likelihood differs".
struct SimulatedDataset {
  std::shared_ptr<const MaskedImaging> imaging;
  std::string mismatch;
};

// `nslab simulate INSTRUMENT --seed N` as the reference records it, written
// to the build folder and read back through the FITS files -- the path both
// PyAutoLens and the cells' dataset cache take (the PSF is renormalised on
// read) -- then masked as every imaging cell is.
inline SimulatedDataset simulated_dataset(const nlohmann::json& reference) {
  const nlohmann::json& identity = reference.at("dataset");
  const ImagingInstrument& instrument = imaging_instrument(identity.at("instrument"));
  const auto seed = identity.at("simulator").at("seed").get<std::uint64_t>();
  // One folder per process: ctest runs tests side by side.
  const std::filesystem::path folder =
      std::filesystem::path(NSLAB_BINARY_DIR) / "parity-datasets" /
      (instrument.name + "-seed" + std::to_string(seed) + "-" + std::to_string(::getpid()));
  write_imaging_dataset(simulate_imaging(instrument, seed), folder);
  SimulatedDataset result;
  std::string differing;
  for (const auto& [name, expected] : identity.at("pixel_checksums_fnv1a64").items()) {
    const std::string actual = pixel_checksum(read_fits_image(folder / (name + ".fits")));
    if (actual != expected.get<std::string>())
      differing += (differing.empty() ? "" : ", ") + name + ".fits " + actual + " against " +
                   expected.get<std::string>();
  }
  if (!differing.empty())
    result.mismatch = "the dataset differs, not (yet) the likelihood: the simulator's " +
                      instrument.name + " seed-" + std::to_string(seed) +
                      " dataset is not the one the reference was made from (pixel checksums " +
                      differing + "); if the simulator changed on purpose, regenerate with "
                      "tools/parity/make_references.sh simulated " + instrument.name;
  result.imaging = make_masked_imaging(read_imaging_dataset(folder, instrument.pixel_scale),
                                       instrument.mask_radius);
  std::filesystem::remove_all(folder);
  return result;
}

// The masked geometry PyAutoLens saw: pixel, over-sampled and blurring counts.
inline void expect_same_geometry(const nlohmann::json& reference, const MaskedImaging& imaging) {
  const nlohmann::json& identity = reference.at("dataset");
  EXPECT_EQ(imaging.masked_pixels(), identity.at("masked_pixels").get<std::size_t>());
  EXPECT_EQ(imaging.over_sampled_points(), identity.at("over_sampled_pixels").get<std::size_t>());
  EXPECT_EQ(imaging.blurring_pixels(), identity.at("blurring_pixels").get<std::size_t>());
}

// The reference's points PyAutoLens could fit; a point whose fit raised (e.g.
// numpy's Cholesky refusing a curvature matrix) has nothing to compare, and
// says so in the test's output.
inline std::vector<nlohmann::json> fitted_points(const nlohmann::json& reference) {
  std::vector<nlohmann::json> points;
  for (const auto& point : reference.at("points")) {
    if (point.contains("error"))
      std::cout << "not compared: " << point.at("label").get<std::string>()
                << " (PyAutoLens raised " << point.at("error") << ")\n";
    else
      points.push_back(point);
  }
  return points;
}

// imaging/mge against PyAutoLens at one point: every part within 1e-8
// relative (the noise normalisation, a sum of logarithms of the data's noise
// map, within 1e-12).
inline void expect_mge_parity(const FitParts& parts, const nlohmann::json& point) {
  const std::string label = point.at("label");
  EXPECT_LT(relative(parts.chi_squared, point.at("chi_squared")), 1e-8) << label;
  EXPECT_LT(relative(parts.noise_normalization, point.at("noise_normalization")), 1e-12) << label;
  EXPECT_LT(relative(parts.log_likelihood, point.at("log_likelihood")), 1e-8) << label;
  EXPECT_LT(relative(parts.figure_of_merit, point.at("figure_of_merit")), 1e-8) << label;
}

// The pixelized models' H = c^2 L + 1e-8 I (L the regularization's
// Laplacian-like matrix) has the constant source as L's null vector, so its
// smallest eigenvalue is the 1e-8 ridge while its largest is ~8 c^2. A
// Cholesky factorisation -- nslab's Eigen one, PyAutoLens's LAPACK one --
// computes ln det H of H + dH with |dH| ~ eps |H|, which moves the ridge
// eigenvalue, and so ln det H, by up to ~eps |H| / 1e-8. This bound (with
// |H| <= 64 c^2, measured below 1.1 c^2 eps / 1e-8 on every reference) is
// what either implementation's ln det H may carry; it is 2e-4 nats at
// c = 10 and 400 nats at c = 1.7e4.
inline double log_det_regularization_rounding(double coefficient) {
  constexpr double kEpsilon = 2.220446049250313e-16, kRidge = 1e-8;
  return 64.0 * coefficient * coefficient * kEpsilon / kRidge;
}

// Where the rounding of H's largest eigenvalue reaches its ridge, H is
// numerically singular: its Cholesky may fail in any implementation
// (PyAutoLens's refused hst_pixelization's random_2, c = 1.7e4).
inline bool regularization_numerically_singular(double coefficient) {
  return 8.0 * coefficient * coefficient * 2.220446049250313e-16 >= 1e-8;
}

// A pixelized fit against PyAutoLens at one point. chi^2, s^T H s,
// ln det(F + H) and the evidence with PyAutoLens's ln det H put in are
// determined by the arithmetic, and are held to 1e-8 of the evidence's size;
// ln det H to that plus its rounding bound; the noise normalisation to 1e-12.
// A fit nslab refuses (-inf, a failed Cholesky) passes only where H is
// numerically singular, and then on the parts formed before the refusal.
inline void expect_pixelized_parity(const FitParts& parts, const nlohmann::json& point,
                                    const std::string& what) {
  const std::string label = what + " " + point.at("label").get<std::string>();
  const double expected = point.at("figure_of_merit").get<double>();
  const double bar = 1e-8 * std::abs(expected);
  const double coefficient = point.at("parameters").back().get<double>();
  const double expected_log_det_h = point.at("log_det_regularization_matrix_term").get<double>();
  EXPECT_LT(relative(parts.noise_normalization, point.at("noise_normalization")), 1e-12) << label;
  EXPECT_NEAR(parts.regularization_term, point.at("regularization_term").get<double>(), bar) << label;
  EXPECT_NEAR(parts.log_det_curvature_reg,
              point.at("log_det_curvature_reg_matrix_term").get<double>(), bar) << label;
  if (!std::isfinite(parts.figure_of_merit)) {
    EXPECT_TRUE(regularization_numerically_singular(coefficient))
        << label << ": nslab refused a fit PyAutoLens made, at c = " << coefficient;
    std::cout << "refused by nslab, as H is numerically singular at c = " << coefficient << ": "
              << label << " (PyAutoLens's evidence there " << expected << ")\n";
    return;
  }
  EXPECT_NEAR(parts.chi_squared, point.at("chi_squared").get<double>(), bar) << label;
  EXPECT_NEAR(parts.log_det_regularization, expected_log_det_h,
              bar + log_det_regularization_rounding(coefficient)) << label;
  EXPECT_NEAR(parts.figure_of_merit + 0.5 * (expected_log_det_h - parts.log_det_regularization),
              expected, bar) << label;
}

// Dense and sparse are two formulations of one set of normal equations:
// every part agrees to 1e-9 of the evidence's size, and both refuse alike.
inline void expect_formulations_agree(const FitParts& dense, const FitParts& sparse,
                                      const std::string& label) {
  ASSERT_EQ(std::isfinite(dense.figure_of_merit), std::isfinite(sparse.figure_of_merit)) << label;
  // The evidence's size, or where both refused the largest part they formed.
  double size = std::isfinite(dense.figure_of_merit) ? std::abs(dense.figure_of_merit) : 0.0;
  for (const double part : {dense.chi_squared, dense.regularization_term, dense.log_det_curvature_reg})
    size = std::max(size, std::abs(part));
  const double bar = 1e-9 * size;
  if (std::isfinite(dense.figure_of_merit))
    EXPECT_NEAR(sparse.figure_of_merit, dense.figure_of_merit, bar) << label;
  EXPECT_NEAR(sparse.chi_squared, dense.chi_squared, bar) << label;
  EXPECT_NEAR(sparse.regularization_term, dense.regularization_term, bar) << label;
  EXPECT_NEAR(sparse.log_det_curvature_reg, dense.log_det_curvature_reg, bar) << label;
  EXPECT_NEAR(sparse.log_det_regularization, dense.log_det_regularization, bar) << label;
}

// The source the reference's model names at its mesh size (the fiducial 39 x
// 39 and 1,500 where it records none, as the HST references), driven by the
// truth source's adapt image as the cells' is.
inline std::shared_ptr<const PixelizedSource> reference_source(const nlohmann::json& reference,
                                                               const MaskedImaging& imaging) {
  const bool rectangular = reference.at("model") == "pixelization";
  const int size = reference.value("mesh_size", rectangular ? 39 : 1500);
  if (rectangular)
    return std::make_shared<RectangularSource>(size, truth_source_adapt_image(imaging));
  return std::make_shared<DelaunaySource>(
      hilbert_image_mesh(imaging.mask, truth_source_adapt_image(imaging), size));
}

inline FitParts pixelized_fit(const PixelizedLikelihood<double>& likelihood,
                              std::vector<double> theta) {
  std::vector<std::byte> memory(likelihood.bytes_per_replica());
  ScratchArena scratch(memory.data(), memory.size());
  return likelihood.fit(theta, scratch).parts;
}

// At the prior median the lens is exactly x-mirror symmetric: mirrored pixels
// trace to exactly tied coordinates, and which ties survive rounding decides
// their ranks in the rectangular mesh's CDF, so the evidence jumps there (in
// PyAutoLens as here). Where nslab's own evidence moves by more than 1e-6
// under 1e-12" shifts of the mass centre, the point is not one a second
// implementation can match, and PyAutoLens's evidence is asked only to lie
// within the range nslab's takes under those shifts. Returns whether it was.
inline bool compared_as_degenerate(const PixelizedLikelihood<double>& likelihood,
                                   const nlohmann::json& point, const std::string& what) {
  const std::vector<double> theta = point.at("parameters").get<std::vector<double>>();
  const double at_point = pixelized_fit(likelihood, theta).figure_of_merit;
  double lowest = at_point, highest = at_point;
  for (const std::size_t index : {std::size_t{4}, std::size_t{5}})  // mass centre y, x
    for (const double shift : {-1e-12, 1e-12}) {
      std::vector<double> shifted = theta;
      shifted[index] += shift;
      const double value = pixelized_fit(likelihood, shifted).figure_of_merit;
      lowest = std::min(lowest, value);
      highest = std::max(highest, value);
    }
  const double expected = point.at("figure_of_merit").get<double>();
  if (highest - lowest <= 1e-6 * std::abs(expected)) return false;
  const std::string label = what + " " + point.at("label").get<std::string>();
  std::cout << "degenerate: " << label << ", nslab's evidence spans [" << lowest << ", " << highest
            << "] under 1e-12\" mass-centre shifts; PyAutoLens's " << expected << "\n";
  EXPECT_GE(expected, lowest - 1e-8 * std::abs(expected)) << label;
  EXPECT_LE(expected, highest + 1e-8 * std::abs(expected)) << label;
  return true;
}

// Every point PyAutoLens fitted, with each formulation: each against
// PyAutoLens, and (with both) dense against sparse.
inline void expect_pixelized_parity_on(const nlohmann::json& reference,
                                       const std::shared_ptr<const MaskedImaging>& imaging,
                                       const std::vector<InversionFormulation>& formulations) {
  const auto source = reference_source(reference, *imaging);
  std::vector<std::unique_ptr<const PixelizedLikelihood<double>>> likelihoods;
  for (const auto formulation : formulations)
    likelihoods.push_back(std::make_unique<const PixelizedLikelihood<double>>(imaging, source, formulation));
  const auto points = fitted_points(reference);
  ASSERT_GE(points.size(), 4u);  // of the prior median, the truth and three prior draws
  for (const auto& point : points) {
    std::vector<FitParts> fits;
    for (const auto& likelihood : likelihoods) {
      const std::string what = to_string(likelihood->formulation());
      fits.push_back(pixelized_fit(*likelihood, point.at("parameters").get<std::vector<double>>()));
      if (point.at("label") != "prior_median" || !compared_as_degenerate(*likelihood, point, what))
        expect_pixelized_parity(fits.back(), point, what);
    }
    for (std::size_t i = 1; i < fits.size(); ++i)
      expect_formulations_agree(fits[0], fits[i], point.at("label").get<std::string>());
  }
}

}  // namespace nslab::parity
