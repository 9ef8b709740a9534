#include "likelihoods/lens/device/light_grid.hpp"

namespace nslab {

LightGridTables::LightGridTables(const MaskedImaging& im) {
  const SubPixelGrid& grid = im.light_profile_grid;
  sub_y = grid.y, sub_x = grid.x, sub_begin = grid.begin, weight = grid.weight;
  for (const MaskedPixel& p : im.blurring) blur_y.push_back(p.y), blur_x.push_back(p.x);
  const std::vector<double> sigmas = mge_sigmas(im.mask.radius, kMgeTotalGaussians);
  geometry.masked = static_cast<int>(im.masked_pixels());
  geometry.blurring = static_cast<int>(im.blurring_pixels());
  for (int k = 0; k < kMgeTotalGaussians; ++k) geometry.exponent_scale[k] = -0.5 / (sigmas[k] * sigmas[k]);
  point_at_host_arrays();
}

void LightGridTables::point_at_host_arrays() {
  geometry.sub_y = sub_y.data(), geometry.sub_x = sub_x.data();
  geometry.sub_begin = sub_begin.data(), geometry.weight = weight.data();
  geometry.blur_y = blur_y.data(), geometry.blur_x = blur_x.data();
}

}  // namespace nslab
