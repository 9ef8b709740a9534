#pragma once
// The grids a Gaussian basis is evaluated on (the over-sampled masked grid
// and the blurring pixels) and the basis widths, as the host tables that
// BasisGeometry (mge_steps.hpp) points into. Shared by the MGE and pixelized
// device plans.
#include <cstdint>
#include <vector>

#include "likelihoods/lens/device/mge_steps.hpp"
#include "likelihoods/lens/masked_imaging.hpp"

namespace nslab {

struct LightGridTables {
  std::vector<double> sub_y, sub_x, weight, blur_y, blur_x;
  std::vector<std::uint32_t> sub_begin;
  BasisGeometry geometry{};  // points into the vectors above

  explicit LightGridTables(const MaskedImaging& imaging);
  LightGridTables(const LightGridTables&) = delete;
  LightGridTables& operator=(const LightGridTables&) = delete;
  LightGridTables(LightGridTables&&) = default;
  void point_at_host_arrays();
};

}  // namespace nslab
