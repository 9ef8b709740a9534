#include "likelihoods/lens/mge_likelihood.hpp"

#include <array>

#include "core/denormals.hpp"
#include "core/phase_profile.hpp"
#include "likelihoods/lens/lens_parameters.hpp"

namespace nslab {

namespace {
constexpr std::size_t kColumns = 2 * kMgeTotalGaussians;  // lens light, then source
}

std::vector<std::string> mge_parameter_names() {
  std::vector<std::string> names = lens_parameter_names();
  for (const char* name : {"source_centre_y", "source_centre_x", "source_e1", "source_e2"})
    names.push_back(name);
  return names;
}

Prior mge_prior() {
  std::vector<ParameterPrior> priors = lens_parameter_priors();
  const auto ellipticity = ParameterPrior::truncated_gaussian(0.0, 0.3, -1.0, 1.0);
  priors.push_back(ParameterPrior::gaussian(0.0, 0.3));
  priors.push_back(ParameterPrior::gaussian(0.0, 0.3));
  priors.push_back(ellipticity);
  priors.push_back(ellipticity);
  return Prior(std::move(priors));
}

std::vector<double> mge_truth_parameters() {
  std::vector<double> theta = lens_truth_parameters();
  const EllipticalComponents source = ell_comps_from(0.8, 60.0);
  for (double value : {0.0, 0.0, source.e1, source.e2}) theta.push_back(value);
  return theta;
}

template <class Real>
MgeLikelihood<Real>::MgeLikelihood(std::shared_ptr<const MaskedImaging> imaging)
    : PointwiseLikelihood(mge_parameter_names(), mge_prior()), imaging_(std::move(imaging)),
      sigmas_(mge_sigmas(imaging_->mask.radius, kMgeTotalGaussians)) {
  layout_.parameters = kColumns;
}

template <class Real>
std::size_t MgeLikelihood<Real>::bytes_per_replica() const {
  const std::size_t n = imaging_->masked_pixels(), b = imaging_->blurring_pixels();
  return 2 * aligned_array_bytes<double>(imaging_->over_sampled_points() + b)  // traced grid (y, x)
         + aligned_array_bytes<Real>((n + b) * kColumns)     // unblurred columns
         + aligned_array_bytes<Real>(n * kColumns)         // blurred columns B
         + imaging_->psf->scratch_bytes<Real>(kColumns)    // its row pass
         + aligned_array_bytes<double>(kColumns * kColumns)  // curvature F
         + 2 * aligned_array_bytes<double>(kColumns)       // D and s
         + dense_normal_equations_scratch_bytes<Real>(kColumns) +
         inversion_scratch_bytes(layout_);
}

template <class Real>
FitParts MgeLikelihood<Real>::fit(std::span<const double> theta, ScratchArena& scratch) const {
  const FlushDenormalsScope flush(true);
  const MaskedImaging& im = *imaging_;
  const std::size_t n = im.masked_pixels(), b = im.blurring_pixels();
  const LensGalaxy lens = lens_galaxy_from(theta, sigmas_);
  const GaussianBasis source(theta[11], theta[12], {theta[13], theta[14]}, sigmas_);

  // Ray tracing first, then the 40 Gaussian columns: two passes, so a
  // profile (core/phase_profile.hpp) can say which of the two costs what.
  const SubPixelGrid& grid = im.light_profile_grid;
  const std::size_t points = grid.points();
  auto traced_y = scratch.take<double>(points + b);
  auto traced_x = scratch.take<double>(points + b);
  {
    PhaseTimer timer(Phase::kRayTracing);
    for (std::size_t k = 0; k < points; ++k) lens.mass.trace(grid.y[k], grid.x[k], traced_y[k], traced_x[k]);
    for (std::size_t q = 0; q < b; ++q)
      lens.mass.trace(im.blurring[q].y, im.blurring[q].x, traced_y[points + q], traced_x[points + q]);
  }
  auto columns = scratch.take<Real>((n + b) * kColumns);
  {
    PhaseTimer timer(Phase::kLightProfiles);
    for (std::size_t p = 0; p < n; ++p) {
      std::array<double, kColumns> sums{};
      for (std::uint32_t k = grid.begin[p]; k < grid.begin[p + 1]; ++k) {
        lens.light.accumulate(grid.y[k], grid.x[k], 1.0, sums.data());
        source.accumulate(traced_y[k], traced_x[k], 1.0, sums.data() + kMgeTotalGaussians);
      }
      Real* row = columns.data() + p * kColumns;
      for (std::size_t j = 0; j < kColumns; ++j) row[j] = flushed<Real>(sums[j] * grid.weight[p]);
    }
    for (std::size_t q = 0; q < b; ++q) {
      const MaskedPixel& pixel = im.blurring[q];
      Real* row = columns.data() + (n + q) * kColumns;
      lens.light.evaluate(pixel.y, pixel.x, row);
      source.evaluate(traced_y[points + q], traced_x[points + q], row + kMgeTotalGaussians);
    }
  }
  auto blurred = scratch.take<Real>(n * kColumns);
  {
    PhaseTimer timer(Phase::kBlurring);
    im.psf->convolve(columns.data(), kColumns, true, blurred.data(), scratch);
  }

  auto curvature = scratch.take<double>(kColumns * kColumns);
  auto data_vector = scratch.take<double>(kColumns);
  auto reconstruction = scratch.take<double>(kColumns);
  {
    PhaseTimer timer(Phase::kCurvature);
    dense_normal_equations<Real>(blurred, kColumns, im.data.span(), im.noise_map.span(), curvature,
                                 data_vector, scratch);
  }
  const InversionSolution solution =
      solve_inversion(layout_, curvature, data_vector, {}, reconstruction, scratch);
  PhaseTimer timer(Phase::kChiSquared);
  const double chi_squared = dense_chi_squared<Real>(blurred, kColumns, im.data.span(),
                                                      im.noise_map.span(), reconstruction);
  return fit_parts(chi_squared, im.noise_normalization, solution, false);
}

template <class Real>
std::map<std::string, double> MgeLikelihood<Real>::evaluation_parts(
    std::span<const double> theta) const {
  Workspace workspace(workspace_allocator());
  workspace.reserve(1, bytes_per_replica());
  ScratchArena scratch(workspace.replica(0), workspace.stride_bytes());
  const FitParts parts = fit(theta, scratch);
  return {{"chi_squared", parts.chi_squared},
          {"noise_normalization", parts.noise_normalization},
          {"log_likelihood", parts.log_likelihood},
          {"figure_of_merit", parts.figure_of_merit}};
}

template <class Real>
std::map<std::string, double> MgeLikelihood<Real>::sizes() const {
  return {{"masked_pixels", static_cast<double>(imaging_->masked_pixels())},
          {"over_sampled_pixels", static_cast<double>(imaging_->over_sampled_points())},
          {"blurring_pixels", static_cast<double>(imaging_->blurring_pixels())},
          {"linear_parameters", static_cast<double>(kColumns)},
          {"image_rows", static_cast<double>(imaging_->dataset.data.rows)}};
}

template class MgeLikelihood<double>;
template class MgeLikelihood<float>;

}  // namespace nslab
