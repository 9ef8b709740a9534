#pragma once
// imaging/mge: lens light MGE + isothermal mass + shear + source MGE, 15
// parameters (the 11 of lens_parameters.hpp, then the source's):
//  11 source_centre_y  N(0, 0.3)            galaxies.source.bulge.centre_0
//  12 source_centre_x  N(0, 0.3)            galaxies.source.bulge.centre_1
//  13 source_e1        TG(0, 0.3, [-1, 1])  galaxies.source.bulge.ell_comps_0
//  14 source_e2        TG(0, 0.3, [-1, 1])  galaxies.source.bulge.ell_comps_1
// The 40 Gaussian intensities are linear: solved for with s >= 0 and no
// regularization, so the figure of merit is log L = -1/2 (chi^2 + noise norm.).
//
// Per evaluation: each Gaussian is evaluated on the over-sampled masked grid
// (binned to pixels) and on the blurring pixels the PSF kernel's core
// reaches -- source Gaussians at the ray-traced positions -- on the PSF's
// canvas, wherever it is not negligible (below 1e-17 of its column's
// largest blurred value, docs/cpu-likelihoods.md), PSF-blurred into its
// column of B, and the 40 columns handed to the inversion.
//
// Precision: Real = double computes everything in double. Real = float
// follows PyAutoArray's mixed precision: profiles are evaluated in double,
// the columns are stored, blurred and multiplied (B^T B) in float, F is cast
// to double for the NNLS solve, and D, the model and chi^2 accumulate in double.
#include <memory>
#include <utility>
#include <vector>

#include "likelihoods/lens/inversion.hpp"
#include "likelihoods/lens/masked_imaging.hpp"
#include "likelihoods/likelihood.hpp"

namespace nslab {

inline constexpr std::size_t kMgeParameterCount = 15;

std::vector<std::string> mge_parameter_names();
Prior mge_prior();
// The simulator's truth lens (docs/lens-likelihoods.md) with the truth
// source's centre and ellipticity.
std::vector<double> mge_truth_parameters();

template <class Real>
class MgeLikelihood final : public PointwiseLikelihood {
 public:
  explicit MgeLikelihood(std::shared_ptr<const MaskedImaging> imaging);

  std::size_t bytes_per_replica() const override;
  std::map<std::string, double> evaluation_parts(std::span<const double> theta) const override;
  std::map<std::string, double> sizes() const override;
  std::optional<std::vector<double>> truth_parameters() const override { return mge_truth_parameters(); }

  // The whole fit at one point; takes exactly bytes_per_replica() from scratch.
  FitParts fit(std::span<const double> theta, ScratchArena& scratch) const;
  const MaskedImaging& imaging() const { return *imaging_; }

 private:
  double log_likelihood(std::span<const double> theta, ScratchArena& scratch) const override {
    return fit(theta, scratch).figure_of_merit;
  }
  std::shared_ptr<const MaskedImaging> imaging_;
  std::vector<double> sigmas_;
  // Per masked pixel, fixed by the dataset: 1 / sigma, and data / sigma.
  std::vector<double> inverse_sigma_, weighted_data_;
  LinearParameterLayout layout_;
  // Mask pixels with more than one sub-pixel (the others' one sub-pixel is
  // their centre, weight 1), and how many sub-pixels they have in all.
  std::vector<std::uint32_t> over_sampled_pixels_;
  std::size_t over_sampled_sub_pixels_ = 0;
  // Where each over-sampled pixel's sub-pixels start among them (one more
  // entry: their total).
  std::vector<std::uint32_t> over_sampled_first_sub_;
  // The blurring pixels (indices into imaging.blurring) within the PSF
  // kernel core's reach of a masked pixel: the others feed no output.
  std::vector<std::uint32_t> reached_blurring_;
  // Per canvas row, the first and last column holding an input pixel (mask
  // or blurring): the canvas's corners beyond them never hold light.
  std::vector<std::pair<int, int>> input_spans_;
  // ln of the share of a Gaussian's value at the mask's nearest cell below
  // which its cells are left out (the constructor says why it is negligible).
  double log_negligible_ = 0.0;
};

}  // namespace nslab
