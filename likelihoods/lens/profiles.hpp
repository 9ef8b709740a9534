#pragma once
// Light and mass profiles of the imaging cells, with PyAutoGalaxy's
// conventions (docs/lens-likelihoods.md, "Profiles and the lens model").
// Coordinates are (y, x) in arcsec, y up; angles counter-clockwise from +x.
#include <limits>
#include <span>
#include <type_traits>
#include <vector>

namespace nslab {

// value as Real, or 0 below Real's smallest normal number. Subnormal values
// make every later multiply-add (PSF, B^T B) many times slower, and narrow
// Gaussians produce them in floods; flushing changes a column whose peak is 1
// by under 1e-38 (1e-308 in double), so no printed digit moves.
// ln of the smallest normal of Real: the Gaussian values that flushed<Real>
// sets to 0 are those with exponent below it.
template <class Real>
inline constexpr double kLogSmallestNormal = std::is_same_v<Real, float> ? -87.336544750553102
                                                                           : -708.39641853226408;

template <class Real>
Real flushed(double value) {
  return value < static_cast<double>(std::numeric_limits<Real>::min()) ? Real(0)
                                                                        : static_cast<Real>(value);
}

// ell_comps = (e1, e2) = (f sin 2phi, f cos 2phi), f = (1 - q) / (1 + q).
struct EllipticalComponents {
  double e1 = 0.0, e2 = 0.0;
};
EllipticalComponents ell_comps_from(double axis_ratio, double angle_degrees);
// q with f capped at 0.999 (PyAutoGalaxy's clamp); angle in [-45, 135) degrees.
void axis_ratio_and_angle_from(EllipticalComponents ell, double& axis_ratio,
                               double& angle_degrees);

// A profile's frame: shifted to its centre, rotated by its angle.
class ProfileFrame {
 public:
  ProfileFrame() = default;
  ProfileFrame(double centre_y, double centre_x, double angle_degrees);
  void to_frame(double y, double x, double& y_frame, double& x_frame) const {
    const double dy = y - centre_y_, dx = x - centre_x_;
    y_frame = -dx * sin_ + dy * cos_;
    x_frame = dx * cos_ + dy * sin_;
  }
  // Rotates a vector (not a position) from the frame back to the sky.
  void rotate_back(double vy, double vx, double& y, double& x) const {
    y = vx * sin_ + vy * cos_;
    x = vx * cos_ - vy * sin_;
  }

 private:
  double centre_y_ = 0.0, centre_x_ = 0.0, cos_ = 1.0, sin_ = 0.0;
};

// Singular isothermal ellipsoid (PyAutoGalaxy Isothermal): q <- min(q, 0.99999),
// b = theta_E / (1 + q), psi = sqrt(q^2 x'^2 + y'^2 + 1e-16), s = sqrt(1 - q^2),
// alpha_y' = 2 b q / s atanh(s y' / psi), alpha_x' = 2 b q / s atan(s x' / psi).
class Isothermal {
 public:
  Isothermal(double centre_y, double centre_x, EllipticalComponents ell, double einstein_radius);
  void deflection(double y, double x, double& alpha_y, double& alpha_x) const;
  // The deflections at y.size() points, the same arithmetic with atan and
  // atanh taken over arrays (vector_math.hpp: within a few ulp of libm's).
  void deflections(std::span<const double> y, std::span<const double> x, std::span<double> alpha_y,
                   std::span<double> alpha_x) const;

 private:
  ProfileFrame frame_;
  double q_squared_, s_, factor_;
};

// External shear (gamma_1, gamma_2) centred on (0, 0).
struct ExternalShear {
  double gamma_1 = 0.0, gamma_2 = 0.0;
  void deflection(double y, double x, double& alpha_y, double& alpha_x) const {
    alpha_x = gamma_1 * x + gamma_2 * y;
    alpha_y = gamma_2 * x - gamma_1 * y;
  }
};

// The lens of every imaging cell: an isothermal mass plus external shear.
// beta = theta - alpha(theta).
struct LensMass {
  Isothermal mass;
  ExternalShear shear;
  void trace(double y, double x, double& beta_y, double& beta_x) const {
    double ay, ax, sy, sx;
    mass.deflection(y, x, ay, ax);
    shear.deflection(y, x, sy, sx);
    beta_y = y - (ay + sy);
    beta_x = x - (ax + sx);
  }
  // trace at y.size() points, with the mass's array deflections.
  void trace(std::span<const double> y, std::span<const double> x, std::span<double> beta_y,
             std::span<double> beta_x) const;
};

// Gaussians sharing a centre and ellipticity (an MGE basis), each of unit
// intensity: exp(-(q^2 x'^2 + y'^2) / (2 sigma_k^2)) -- PyAutoGalaxy's linear
// Gaussian, whose sigma is divided by sqrt(q) on eccentric radii.
class GaussianBasis {
 public:
  static constexpr std::size_t kMaxGaussians = 64;
  // sigmas: positive, ascending, at most kMaxGaussians.
  GaussianBasis(double centre_y, double centre_x, EllipticalComponents ell,
                const std::vector<double>& sigmas);
  std::size_t size() const { return exponent_scale_.size(); }
  // values[k] for every Gaussian k at (y, x).
  template <class Out>
  void evaluate(double y, double x, Out* values) const;
  // Adds weight * value of Gaussian k to sums[k].
  void accumulate(double y, double x, double weight, double* sums) const;

  // q^2 x'^2 + y'^2: Gaussian k's value is exp(-squared_radius / (2 sigma_k^2)).
  double squared_radius(double y, double x) const {
    double yf, xf;
    frame_.to_frame(y, x, yf, xf);
    return q_squared_ * xf * xf + yf * yf;
  }
  // squared_radius at y.size() points.
  void squared_radii(std::span<const double> y, std::span<const double> x, std::span<double> out) const;
  // Gaussian k at many points from their squared radii, in one vectorised
  // exp; values below Out's smallest normal are 0, as flushed<Out> makes them.
  template <class Out>
  void column(std::size_t k, std::span<const double> squared_radii, std::span<Out> values) const;
  // False only where Gaussian k is certainly 0 in Real at every squared
  // radius >= squared_radius (with an e-fold to spare for exp's rounding).
  template <class Real>
  bool may_be_nonzero(std::size_t k, double squared_radius) const {
    return squared_radius * exponent_scale_[k] >= kLogSmallestNormal<Real> - 1.0;
  }
  // ln(value at squared_radius / value at reference) of Gaussian k.
  double log_ratio(std::size_t k, double squared_radius, double reference) const {
    return (squared_radius - reference) * exponent_scale_[k];
  }

 private:
  ProfileFrame frame_;
  double q_squared_;
  std::vector<double> exponent_scale_;  // -1 / (2 sigma_k^2)
};

// The MGE basis widths: sigma_i = 10^(-4 + i (log10 R + 4) / (N - 1)), numpy.linspace in log10.
std::vector<double> mge_sigmas(double mask_radius, int total_gaussians);

// Sersic: I exp(-b_n ((r / R_e)^(1/n) - 1)) on eccentric radii r = sqrt(q) sqrt(x'^2 + y'^2/q^2).
class Sersic {
 public:
  Sersic(double centre_y, double centre_x, EllipticalComponents ell, double intensity,
         double effective_radius, double sersic_index);
  double image(double y, double x) const;

 protected:
  double eccentric_radius(double y, double x) const;
  ProfileFrame frame_;
  double axis_ratio_, intensity_, effective_radius_, sersic_index_, sersic_constant_;
};

// Cored Sersic (PyAutoGalaxy SersicCore), defaults radius_break 0.025", gamma 0.25, alpha 3.
class SersicCore : public Sersic {
 public:
  SersicCore(double centre_y, double centre_x, EllipticalComponents ell, double intensity,
             double effective_radius, double sersic_index, double radius_break = 0.025,
             double gamma = 0.25, double alpha = 3.0);
  double image(double y, double x) const;

 private:
  double radius_break_, gamma_, alpha_, intensity_prime_;
};

// Ciotti & Bertin's b_n, as PyAutoGalaxy writes it.
double sersic_constant(double sersic_index);

}  // namespace nslab
