#pragma once
// imaging/pixelization and imaging/delaunay: lens light MGE (20 linear
// Gaussians) + isothermal mass + shear + a pixelized source, 12 parameters:
// the 11 of lens_parameters.hpp, then
//  11 regularization_coefficient  LogUniform(1e-6, 1e6)
//     galaxies.source.pixelization.regularization.coefficient
// The figure of merit is the Bayesian log evidence (docs/inversions.md):
//   -2 ln e = chi^2 + s^T H s + ln det(F + H) - ln det H + noise norm.,
// with the linear parameters ordered [20 Gaussians][source pixels] and the
// log-determinants and s^T H s taken on the source block.
//
// Per evaluation: the lens-light Gaussians are evaluated on the over-sampled
// grid and the blurring pixels and PSF-blurred; the masked pixel centres are
// traced, border-relocated and mapped onto the source mesh (PixelizedSource);
// then the normal equations are formed in one of two ways:
//  - dense (inversion=dense): the mapping matrix M (N x S) and B = P M are
//    formed, F = (B/sigma)^T (B/sigma) by BLAS-style products -- the layout
//    of PyAutoLens's JAX mapping path that ran out of memory;
//  - sparse (inversion=sparse, "w-tilde"): F_ss = M^T W M with W = P^T N^-1 P
//    precomputed once, F_gs = (P^T N^-1 B_g)^T M, D_s = M^T P^T (d/sigma^2);
//    B = P M is never formed.
// Both take exactly bytes_per_replica() from the evaluation's arena; the
// sparse path keeps W (WTildeOperator::bytes()) for the run instead.
// Real = float stores M and B in single precision on the dense path
// (PyAutoArray's mixed precision); the sparse path always works in double.
#include <memory>
#include <string>

#include "likelihoods/lens/inversion.hpp"
#include "likelihoods/lens/masked_imaging.hpp"
#include "likelihoods/lens/pixelization/masked_psf_operator.hpp"
#include "likelihoods/lens/pixelization/pixelized_source.hpp"
#include "likelihoods/lens/pixelization/w_tilde.hpp"
#include "likelihoods/likelihood.hpp"

namespace nslab {

enum class InversionFormulation { kDense, kSparse };
// "dense" | "sparse"; throws UsageError otherwise.
InversionFormulation inversion_formulation_from(const std::string& text);
std::string to_string(InversionFormulation formulation);

inline constexpr std::size_t kPixelizedParameterCount = 12;
std::vector<std::string> pixelized_parameter_names();
Prior pixelized_prior();
// The simulator's truth lens (docs/lens-likelihoods.md) with a regularization coefficient.
std::vector<double> pixelized_truth_parameters(double coefficient);

// The evaluation_parts() of a fit's FitParts (`nslab eval`), for the CPU
// and the device likelihoods alike.
std::map<std::string, double> pixelized_parts(const FitParts& parts);

// The parts of one pixelized fit (FitParts plus what the source did).
struct PixelizedFit {
  FitParts parts;
  std::size_t relocated_points = 0;  // traced pixels moved onto the border
};

template <class Real>
class PixelizedLikelihood final : public PointwiseLikelihood {
 public:
  PixelizedLikelihood(std::shared_ptr<const MaskedImaging> imaging,
                      std::shared_ptr<const PixelizedSource> source,
                      InversionFormulation formulation);

  std::size_t bytes_per_replica() const override;
  std::map<std::string, double> evaluation_parts(std::span<const double> theta) const override;
  std::map<std::string, double> sizes() const override;

  // The whole fit at one point; takes exactly bytes_per_replica() from scratch.
  PixelizedFit fit(std::span<const double> theta, ScratchArena& scratch) const;
  InversionFormulation formulation() const { return formulation_; }
  const PixelizedSource& source() const { return *source_; }
  const MaskedImaging& imaging() const { return *imaging_; }
  // Memory kept for the run beyond the dataset: W and z on the sparse path.
  std::size_t operator_bytes() const { return w_tilde_ ? w_tilde_->bytes() : 0; }

 private:
  double log_likelihood(std::span<const double> theta, ScratchArena& scratch) const override {
    return fit(theta, scratch).parts.figure_of_merit;
  }
  void dense_equations(std::span<const double> blurred_light, std::span<const PixelMapping> rows,
                       std::span<double> curvature, std::span<double> data_vector,
                       std::span<double> reconstruction, const SparseRegularization& regularization,
                       InversionSolution& solution, double& chi_squared,
                       ScratchArena& scratch) const;
  void sparse_equations(std::span<const double> blurred_light, std::span<const PixelMapping> rows,
                        std::span<double> curvature, std::span<double> data_vector,
                        std::span<double> reconstruction, const SparseRegularization& regularization,
                        InversionSolution& solution, double& chi_squared,
                        ScratchArena& scratch) const;

  std::shared_ptr<const MaskedImaging> imaging_;
  std::shared_ptr<const PixelizedSource> source_;
  InversionFormulation formulation_;
  std::vector<double> sigmas_;
  std::vector<int> border_;
  MaskedPsfOperator psf_;
  std::unique_ptr<const WTildeOperator> w_tilde_;
  LinearParameterLayout layout_;
};

}  // namespace nslab
