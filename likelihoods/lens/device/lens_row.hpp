#pragma once
// The lens of one point as the device reads it: a row of doubles staged per
// point (the profiles' constants, computed on the host with the CPU classes'
// own expressions, so the device starts from the same doubles), and the
// per-element functions that use it -- a Gaussian basis's squared radius and
// the isothermal + shear ray trace -- for the host and the device alike
// (docs/gpu.md). Each is the arithmetic of its CPU twin in profiles.hpp,
// operation for operation (core/rounded_arithmetic.hpp).
#include <span>

#include "core/rounded_arithmetic.hpp"

namespace nslab {

// The lens part of a staged row; a model's row may append its own entries
// (the MGE source frame, the pixelized border ellipse) from kLensRowValues on.
enum LensRowEntry : int {
  kLightCy, kLightCx, kLightCos, kLightSin, kLightQ2,  // the lens light's ProfileFrame and q^2
  kMassCy, kMassCx, kMassCos, kMassSin, kMassQ2, kMassS, kMassFactor,  // Isothermal
  kShear1, kShear2,                                                    // ExternalShear
  kLensRowValues
};
// Values a frame takes in a row: centre y, x, cos, sin of its angle, and q^2.
inline constexpr int kFrameValues = 5;

// ProfileFrame's centre, cos and sin, and GaussianBasis's q^2, of a profile
// with this centre and these elliptical components (host).
void frame_entries(double centre_y, double centre_x, double e1, double e2, double* out);
// The lens entries of theta (the 11 lens parameters of lens_parameters.hpp)
// into row[0, kLensRowValues) (host).
void fill_lens_row(std::span<const double> theta, double* row);

// GaussianBasis::squared_radius: q^2 x'^2 + y'^2 in the frame at f.
NSLAB_HOST_DEVICE NSLAB_INLINE double squared_radius(const double* f, double y, double x) {
  using namespace rn;
  const double dy = sub(y, f[0]), dx = sub(x, f[1]);
  const double yf = add(mul(-dx, f[3]), mul(dy, f[2]));
  const double xf = add(mul(dx, f[2]), mul(dy, f[3]));
  return add(mul(mul(f[4], xf), xf), mul(yf, yf));
}

// LensMass::trace: beta = theta - (alpha_SIE + alpha_shear).
NSLAB_HOST_DEVICE NSLAB_INLINE void trace(const double* row, double y, double x, double& beta_y,
                                          double& beta_x) {
  using namespace rn;
  const double cos_a = row[kMassCos], sin_a = row[kMassSin];
  const double dy = sub(y, row[kMassCy]), dx = sub(x, row[kMassCx]);
  const double yf = add(mul(-dx, sin_a), mul(dy, cos_a));
  const double xf = add(mul(dx, cos_a), mul(dy, sin_a));
  const double psi = square_root(add(add(mul(mul(row[kMassQ2], xf), xf), mul(yf, yf)), 1e-16));
  const double ay = mul(row[kMassFactor], arc_tanh(divide(mul(row[kMassS], yf), psi)));
  const double ax = mul(row[kMassFactor], arc_tangent(divide(mul(row[kMassS], xf), psi)));
  const double alpha_y = add(mul(ax, sin_a), mul(ay, cos_a));
  const double alpha_x = sub(mul(ax, cos_a), mul(ay, sin_a));
  const double g1 = row[kShear1], g2 = row[kShear2];
  const double shear_x = add(mul(g1, x), mul(g2, y));
  const double shear_y = sub(mul(g2, x), mul(g1, y));
  beta_y = sub(y, add(alpha_y, shear_y));
  beta_x = sub(x, add(alpha_x, shear_x));
}

}  // namespace nslab
