#include "likelihoods/lens/device/mge_plan.hpp"

#include "core/allocator.hpp"

namespace nslab {

namespace {
std::vector<double> inverse_noise(const MaskedImaging& im) {
  std::vector<double> out(im.masked_pixels());
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = 1.0 / im.noise_map[i];
  return out;
}
}  // namespace

template <class Real>
MgePlan<Real>::MgePlan(const MaskedImaging& im)
    : light(im), psf(*im.psf, im.psf_kernel, inverse_noise(im)) {
  using namespace mge_device;
  masked = static_cast<int>(im.masked_pixels());
  blurring = static_cast<int>(im.blurring_pixels());

  weighted_data.resize(masked), data_over_sigma.resize(masked);
  for (int i = 0; i < masked; ++i) {
    weighted_data[i] = im.data[i] * psf.output_scale[i];
    data_over_sigma[i] = im.data[i] / im.noise_map[i];
  }

  const std::size_t n = im.masked_pixels(), b = im.blurring_pixels();
  offset_pass = aligned_array_bytes<Real>((n + b) * kColumns);
  offset_blurred = offset_pass + aligned_array_bytes<Real>(psf.pass_entries(kColumns));
  offset_f_partial = offset_blurred + aligned_array_bytes<Real>(n * kColumns);
  offset_curvature = offset_f_partial + aligned_array_bytes<Real>(kPixelSlices * kLowerEntries);
  offset_d_partial = offset_curvature + aligned_array_bytes<Real>(kColumns * kColumns);
  offset_d = offset_d_partial + aligned_array_bytes<double>(kPixelSlices * kColumns);
  offset_s = offset_d + aligned_array_bytes<double>(kColumns);
  offset_chi_partial = offset_s + aligned_array_bytes<double>(kColumns);
  bytes_per_replica = offset_chi_partial + aligned_array_bytes<double>(kPixelSlices);
}

void mge_point_row(std::span<const double> theta, double* row) {
  fill_lens_row(theta, row);
  frame_entries(theta[11], theta[12], theta[13], theta[14], row + mge_device::kSourceFrame);
}

std::map<std::string, double> mge_sizes(const MaskedImaging& im) {
  return {{"masked_pixels", static_cast<double>(im.masked_pixels())},
          {"over_sampled_pixels", static_cast<double>(im.over_sampled_points())},
          {"blurring_pixels", static_cast<double>(im.blurring_pixels())},
          {"linear_parameters", static_cast<double>(mge_device::kColumns)},
          {"image_rows", static_cast<double>(im.dataset.data.rows)}};
}

template struct MgePlan<double>;
template struct MgePlan<float>;

}  // namespace nslab
