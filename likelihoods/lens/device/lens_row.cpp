#include "likelihoods/lens/device/lens_row.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "likelihoods/lens/profiles.hpp"

namespace nslab {

void frame_entries(double centre_y, double centre_x, double e1, double e2, double* out) {
  double q, angle;
  axis_ratio_and_angle_from({e1, e2}, q, angle);
  const double radians = angle * std::numbers::pi / 180.0;  // profiles.cpp's radians()
  out[0] = centre_y, out[1] = centre_x, out[2] = std::cos(radians), out[3] = std::sin(radians);
  out[4] = q * q;
}

void fill_lens_row(std::span<const double> theta, double* row) {
  frame_entries(theta[0], theta[1], theta[2], theta[3], row + kLightCy);
  // Isothermal's constructor.
  double q, angle;
  axis_ratio_and_angle_from({theta[6], theta[7]}, q, angle);
  q = std::min(q, 0.99999);
  const double radians = angle * std::numbers::pi / 180.0;
  row[kMassCy] = theta[4], row[kMassCx] = theta[5];
  row[kMassCos] = std::cos(radians), row[kMassSin] = std::sin(radians);
  row[kMassQ2] = q * q;
  row[kMassS] = std::sqrt(1.0 - q * q);
  const double rescaled = theta[8] / (1.0 + q);
  row[kMassFactor] = 2.0 * rescaled * q / row[kMassS];
  row[kShear1] = theta[9], row[kShear2] = theta[10];
}

}  // namespace nslab
