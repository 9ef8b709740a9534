#include "likelihoods/lens/pixelization/pixelized_likelihood.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "core/denormals.hpp"
#include "core/error.hpp"
#include "core/phase_profile.hpp"
#include "likelihoods/lens/lens_parameters.hpp"

namespace nslab {

namespace {
constexpr std::size_t kLight = kMgeTotalGaussians;  // lens-light columns, first in the layout
}  // namespace

InversionFormulation inversion_formulation_from(const std::string& text) {
  if (text == "dense") return InversionFormulation::kDense;
  if (text == "sparse") return InversionFormulation::kSparse;
  throw UsageError("inversion must be dense or sparse, not '" + text + "'");
}

std::string to_string(InversionFormulation formulation) {
  return formulation == InversionFormulation::kDense ? "dense" : "sparse";
}

std::vector<std::string> pixelized_parameter_names() {
  std::vector<std::string> names = lens_parameter_names();
  names.push_back("regularization_coefficient");
  return names;
}

Prior pixelized_prior() {
  std::vector<ParameterPrior> priors = lens_parameter_priors();
  priors.push_back(ParameterPrior::log_uniform(1e-6, 1e6));
  return Prior(std::move(priors));
}

std::vector<double> pixelized_truth_parameters(double coefficient) {
  std::vector<double> theta = lens_truth_parameters();
  theta.push_back(coefficient);
  return theta;
}

std::map<std::string, double> pixelized_parts(const FitParts& parts) {
  return {{"chi_squared", parts.chi_squared},
          {"regularization_term", parts.regularization_term},
          {"log_det_curvature_reg", parts.log_det_curvature_reg},
          {"log_det_regularization", parts.log_det_regularization},
          {"noise_normalization", parts.noise_normalization},
          {"log_evidence", parts.log_evidence},
          {"figure_of_merit", parts.figure_of_merit}};
}

template <class Real>
PixelizedLikelihood<Real>::PixelizedLikelihood(std::shared_ptr<const MaskedImaging> imaging,
                                               std::shared_ptr<const PixelizedSource> source,
                                               InversionFormulation formulation)
    : PointwiseLikelihood(pixelized_parameter_names(), pixelized_prior()),
      imaging_(std::move(imaging)), source_(std::move(source)), formulation_(formulation),
      sigmas_(mge_sigmas(imaging_->mask.radius, kMgeTotalGaussians)),
      border_(border_pixel_indexes(imaging_->mask)),
      psf_(imaging_->psf_kernel, imaging_->mask) {
  const std::size_t s = source_->source_pixels();
  layout_.parameters = kLight + s;
  layout_.regularized_begin = kLight;
  layout_.regularized_count = s;
  for (std::uint32_t p : source_->zeroed_pixels())
    layout_.excluded.push_back(static_cast<std::uint32_t>(kLight) + p);
  if (formulation_ == InversionFormulation::kSparse)
    w_tilde_ = std::make_unique<const WTildeOperator>(psf_, imaging_->data.span(),
                                                      imaging_->noise_map.span());
}

template <class Real>
std::size_t PixelizedLikelihood<Real>::bytes_per_replica() const {
  const std::size_t n = imaging_->masked_pixels(), b = imaging_->blurring_pixels();
  const std::size_t s = source_->source_pixels(), t = layout_.parameters;
  std::size_t bytes = aligned_array_bytes<double>((n + b) * kLight)  // lens light, unblurred
                      + aligned_array_bytes<double>(n * kLight)      // lens light, blurred
                      + imaging_->psf->canvas_convolve_scratch_bytes<double>()  // ... on the canvas
                      + 2 * aligned_array_bytes<double>(n)           // traced grid (y, x)
                      + aligned_array_bytes<PixelMapping>(n)         // mapping rows
                      + source_->scratch_bytes(n)                    // the mesh
                      + aligned_array_bytes<double>(t * t)           // F
                      + 2 * aligned_array_bytes<double>(t)           // D, s
                      + inversion_scratch_bytes(layout_);
  if (formulation_ == InversionFormulation::kDense) {
    bytes += aligned_array_bytes<Real>(n * s)     // M
             + aligned_array_bytes<Real>(n * t)   // [B_light | P M], scaled by 1/sigma in place
             + dense_normal_equations_scratch_bytes<Real>(t);
  } else {
    bytes += 2 * aligned_array_bytes<double>(n * kLight)  // B_light / sigma^2, then P^T of it
             + psf_.transpose_scratch_bytes()
             + w_tilde_->curvature_scratch_bytes(s)
             + 2 * aligned_array_bytes<double>(n)         // M s, then P M s
             + imaging_->psf->canvas_convolve_scratch_bytes<double>();  // ... on the canvas
  }
  return bytes;
}

template <class Real>
PixelizedFit PixelizedLikelihood<Real>::fit(std::span<const double> theta,
                                            ScratchArena& scratch) const {
  const FlushDenormalsScope flush;
  const MaskedImaging& im = *imaging_;
  const std::size_t n = im.masked_pixels(), b = im.blurring_pixels(), t = layout_.parameters;
  const LensGalaxy lens = lens_galaxy_from(theta, sigmas_);
  const double coefficient = theta[kLensParameterCount];
  PixelizedFit result;
  result.parts.regularized = true;
  result.parts.noise_normalization = im.noise_normalization;
  result.parts.figure_of_merit = -std::numeric_limits<double>::infinity();

  // Lens light: every Gaussian on the over-sampled grid (binned) and the
  // blurring pixels, then blurred with the flux from outside the mask.
  auto light = scratch.take<double>((n + b) * kLight);
  const SubPixelGrid& grid = im.light_profile_grid;
  PhaseTimer light_timer(Phase::kLightProfiles);
  for (std::size_t p = 0; p < n; ++p) {
    std::array<double, kLight> sums{};
    for (std::uint32_t k = grid.begin[p]; k < grid.begin[p + 1]; ++k)
      lens.light.accumulate(grid.y[k], grid.x[k], 1.0, sums.data());
    for (std::size_t j = 0; j < kLight; ++j) light[p * kLight + j] = sums[j] * grid.weight[p];
  }
  for (std::size_t q = 0; q < b; ++q)
    lens.light.evaluate(im.blurring[q].y, im.blurring[q].x, light.data() + (n + q) * kLight);
  light_timer.stop();
  auto blurred_light = scratch.take<double>(n * kLight);
  PhaseTimer blur_timer(Phase::kBlurring);
  im.psf->convolve(light.data(), kLight, true, blurred_light.data(), scratch);
  blur_timer.stop();

  // The pixelization grid (one point per masked pixel), traced and relocated.
  auto traced_y = scratch.take<double>(n);
  auto traced_x = scratch.take<double>(n);
  PhaseTimer trace_timer(Phase::kRayTracing);
  for (std::size_t i = 0; i < n; ++i) {
    lens.mass.trace(im.mask.pixels[i].y, im.mask.pixels[i].x, traced_y[i], traced_x[i]);
    if (!std::isfinite(traced_y[i]) || !std::isfinite(traced_x[i])) return result;
  }
  const BorderEllipse border = fit_border_ellipse(traced_y, traced_x, border_);
  result.relocated_points = relocate_outside_border(border, traced_y, traced_x);
  trace_timer.stop();

  auto rows = scratch.take<PixelMapping>(n);
  SparseRegularization regularization;
  if (!source_->map(lens.mass, border, traced_y, traced_x, coefficient, rows, regularization,
                    scratch))
    return result;

  auto curvature = scratch.take<double>(t * t);
  auto data_vector = scratch.take<double>(t);
  auto reconstruction = scratch.take<double>(t);
  InversionSolution solution;
  double chi_squared = 0.0;
  if (formulation_ == InversionFormulation::kDense)
    dense_equations(blurred_light, rows, curvature, data_vector, reconstruction, regularization,
                    solution, chi_squared, scratch);
  else
    sparse_equations(blurred_light, rows, curvature, data_vector, reconstruction, regularization,
                     solution, chi_squared, scratch);
  result.parts = fit_parts(chi_squared, im.noise_normalization, solution, true);
  return result;
}

template <class Real>
void PixelizedLikelihood<Real>::dense_equations(
    std::span<const double> blurred_light, std::span<const PixelMapping> rows,
    std::span<double> curvature, std::span<double> data_vector, std::span<double> reconstruction,
    const SparseRegularization& regularization, InversionSolution& solution, double& chi_squared,
    ScratchArena& scratch) const {
  const MaskedImaging& im = *imaging_;
  const std::size_t n = im.masked_pixels(), s = source_->source_pixels(), t = layout_.parameters;
  auto mapping = scratch.take<Real>(n * s);
  PhaseTimer mapping_timer(Phase::kMapping);
  fill_mapping_matrix<Real>(rows, s, mapping.data(), s, 0);
  mapping_timer.stop();
  // [B_light | B = P M], pixel-major: the columns the normal equations take.
  auto columns = scratch.take<Real>(n * t);
  PhaseTimer blur_timer(Phase::kBlurring);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < kLight; ++j)
      columns[i * t + j] = static_cast<Real>(blurred_light[i * kLight + j]);
  blur_mapping_matrix<Real>(psf_, mapping.data(), s, columns.data(), t, kLight);
  blur_timer.stop();
  PhaseTimer curvature_timer(Phase::kCurvature);
  dense_normal_equations<Real>(columns, t, im.data.span(), im.noise_map.span(), curvature,
                               data_vector, scratch);
  curvature_timer.stop();
  solution = solve_regularized_inversion(layout_, curvature, data_vector, regularization, reconstruction,
                                         scratch);
  PhaseTimer chi_squared_timer(Phase::kChiSquared);
  if (solution.solved)
    chi_squared = dense_chi_squared<Real>(columns, t, im.data.span(), im.noise_map.span(),
                                          reconstruction);
}

template <class Real>
void PixelizedLikelihood<Real>::sparse_equations(
    std::span<const double> blurred_light, std::span<const PixelMapping> rows,
    std::span<double> curvature, std::span<double> data_vector, std::span<double> reconstruction,
    const SparseRegularization& regularization, InversionSolution& solution, double& chi_squared,
    ScratchArena& scratch) const {
  const MaskedImaging& im = *imaging_;
  const std::size_t n = im.masked_pixels(), s = source_->source_pixels(), t = layout_.parameters;
  const std::span<const double> data = im.data.span(), noise = im.noise_map.span();
  double* f = curvature.data();  // column-major t x t

  // Light block and its data vector: B_g^T N^-1 B_h and B_g^T N^-1 d.
  auto weighted_light = scratch.take<double>(n * kLight);  // B / sigma^2
  PhaseTimer light_block_timer(Phase::kCurvature);
  // Zero F's light columns and light rows; the source block is written whole
  // by the w-tilde product below.
  std::fill(f, f + kLight * t, 0.0);
  for (std::size_t c = kLight; c < t; ++c) std::fill(f + c * t, f + c * t + kLight, 0.0);
  std::fill(data_vector.begin(), data_vector.end(), 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    const double inverse_variance = 1.0 / (noise[i] * noise[i]);
    const double* light = blurred_light.data() + i * kLight;
    double* weighted = weighted_light.data() + i * kLight;
    for (std::size_t g = 0; g < kLight; ++g) {
      weighted[g] = light[g] * inverse_variance;
      data_vector[g] += weighted[g] * data[i];
    }
    for (std::size_t h = 0; h < kLight; ++h)
      for (std::size_t g = 0; g < kLight; ++g) f[g + h * t] += weighted[g] * light[h];
  }
  // Light x source: B_g^T N^-1 P M = (P^T N^-1 B_g)^T M.
  light_block_timer.stop();
  auto projected = scratch.take<double>(n * kLight);
  PhaseTimer transpose_timer(Phase::kBlurring);
  psf_.apply_transpose(weighted_light.data(), kLight, projected.data(), scratch);
  transpose_timer.stop();
  PhaseTimer curvature_timer(Phase::kCurvature);
  for (std::size_t i = 0; i < n; ++i)
    for (int k = 0; k < 4; ++k) {
      const std::int32_t a = rows[i].index[k];
      if (a < 0) continue;
      const double w = rows[i].weight[k];
      double* column = f + (kLight + a) * t;
      for (std::size_t g = 0; g < kLight; ++g) column[g] += w * projected[i * kLight + g];
    }
  for (std::size_t a = 0; a < s; ++a)
    for (std::size_t g = 0; g < kLight; ++g) f[(kLight + a) + g * t] = f[g + (kLight + a) * t];
  // Source block M^T W M and D_s = M^T P^T (d / sigma^2).
  w_tilde_->curvature(rows, s, f + kLight + kLight * t, t, scratch);
  curvature_timer.stop();
  PhaseTimer data_vector_timer(Phase::kMapping);
  mapping_transpose_times(rows, w_tilde_->weighted_data(), data_vector.subspan(kLight, s));
  data_vector_timer.stop();

  solution = solve_regularized_inversion(layout_, curvature, data_vector, regularization, reconstruction,
                                         scratch);
  if (!solution.solved) return;
  // Model: B_light s_light + P (M s_source).
  auto mapped = scratch.take<double>(n);
  auto blurred = scratch.take<double>(n);
  PhaseTimer chi_squared_timer(Phase::kChiSquared);
  mapping_times(rows, reconstruction.subspan(kLight, s), mapped);
  // P on the masked pixels alone, by the canvas convolver (two 1-D passes
  // for a separable PSF): the same operator as psf_.apply, a tenth of the taps.
  im.psf->convolve(mapped.data(), 1, false, blurred.data(), scratch);
  chi_squared = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    double model = blurred[i];
    for (std::size_t g = 0; g < kLight; ++g) model += blurred_light[i * kLight + g] * reconstruction[g];
    const double residual = (data[i] - model) / noise[i];
    chi_squared += residual * residual;
  }
}

template <class Real>
std::map<std::string, double> PixelizedLikelihood<Real>::evaluation_parts(
    std::span<const double> theta) const {
  Workspace workspace(workspace_allocator());
  workspace.reserve(1, bytes_per_replica());
  ScratchArena scratch(workspace.replica(0), workspace.stride_bytes());
  const PixelizedFit fit_result = fit(theta, scratch);
  std::map<std::string, double> parts = pixelized_parts(fit_result.parts);
  parts["relocated_points"] = static_cast<double>(fit_result.relocated_points);
  return parts;
}

template <class Real>
std::map<std::string, double> PixelizedLikelihood<Real>::sizes() const {
  return {{"masked_pixels", static_cast<double>(imaging_->masked_pixels())},
          {"over_sampled_pixels", static_cast<double>(imaging_->over_sampled_points())},
          {"blurring_pixels", static_cast<double>(imaging_->blurring_pixels())},
          {"source_pixels", static_cast<double>(source_->source_pixels())},
          {"zeroed_source_pixels", static_cast<double>(layout_.excluded.size())},
          {"linear_parameters", static_cast<double>(layout_.parameters)},
          {"image_rows", static_cast<double>(imaging_->dataset.data.rows)},
          {"operator_bytes", static_cast<double>(operator_bytes())}};
}

template class PixelizedLikelihood<double>;
template class PixelizedLikelihood<float>;

}  // namespace nslab
