#include "likelihoods/lens/profiles.hpp"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "likelihoods/lens/vector_math.hpp"

namespace nslab {

namespace {
constexpr double kEllipticityClamp = 0.999;
constexpr double kMaximumIsothermalAxisRatio = 0.99999;
double radians(double degrees) { return degrees * std::numbers::pi / 180.0; }

// Gaussian k's value exp(scale_k r2) for every k, values under the smallest
// normal of Real set to 0 (as flushed<Real> would). The scales ascend (the
// basis's sigmas ascend; checked at construction), so the zeros are a prefix
// and the rest is one vectorised exp (Eigen's: relative error a few ulp times
// |exponent|, 3e-14 at exponent -200, where the value is 1e-87):
// the narrow MGE Gaussians (sigma down to 1e-4") are 0 at most pixels, where
// libm's scalar exp took its slow underflow path for each.
template <class Real>
void flushed_gaussians(const std::vector<double>& exponent_scale, double r2, double* values) {
  const std::size_t k = exponent_scale.size();
  std::size_t first = 0;
  while (first < k && exponent_scale[first] * r2 < kLogSmallestNormal<Real>) values[first++] = 0.0;
  const Eigen::Index rest = static_cast<Eigen::Index>(k - first);
  Eigen::Map<Eigen::ArrayXd>(values + first, rest) =
      (Eigen::Map<const Eigen::ArrayXd>(exponent_scale.data() + first, rest) * r2).exp();
}
}  // namespace


EllipticalComponents ell_comps_from(double axis_ratio, double angle_degrees) {
  const double angle = angle_degrees * std::numbers::pi / 180.0;
  const double f = (1.0 - axis_ratio) / (1.0 + axis_ratio);
  return {f * std::sin(2.0 * angle), f * std::cos(2.0 * angle)};
}

void axis_ratio_and_angle_from(EllipticalComponents ell, double& axis_ratio,
                               double& angle_degrees) {
  const double denominator = (ell.e1 == 0.0 && ell.e2 == 0.0) ? 1.0 : ell.e2;
  angle_degrees = 0.5 * std::atan2(ell.e1, denominator) * 180.0 / std::numbers::pi;
  if (angle_degrees < -45.0) angle_degrees += 180.0;
  // The clamp keeps q > 0 where the prior reaches |e| >= 1 (PyAutoGalaxy's JAX path).
  const double f = std::min(std::sqrt(ell.e2 * ell.e2 + ell.e1 * ell.e1), kEllipticityClamp);
  axis_ratio = (1.0 - f) / (1.0 + f);
}

ProfileFrame::ProfileFrame(double centre_y, double centre_x, double angle_degrees)
    : centre_y_(centre_y), centre_x_(centre_x), cos_(std::cos(radians(angle_degrees))),
      sin_(std::sin(radians(angle_degrees))) {}

Isothermal::Isothermal(double centre_y, double centre_x, EllipticalComponents ell,
                       double einstein_radius) {
  double q, angle;
  axis_ratio_and_angle_from(ell, q, angle);
  q = std::min(q, kMaximumIsothermalAxisRatio);
  frame_ = ProfileFrame(centre_y, centre_x, angle);
  q_squared_ = q * q;
  s_ = std::sqrt(1.0 - q * q);
  const double rescaled = einstein_radius / (1.0 + q);
  factor_ = 2.0 * rescaled * q / s_;
}

void Isothermal::deflection(double y, double x, double& alpha_y, double& alpha_x) const {
  double yf, xf;
  frame_.to_frame(y, x, yf, xf);
  const double psi = std::sqrt(q_squared_ * xf * xf + yf * yf + 1e-16);
  const double ay = factor_ * std::atanh(s_ * yf / psi);
  const double ax = factor_ * std::atan(s_ * xf / psi);
  frame_.rotate_back(ay, ax, alpha_y, alpha_x);
}

void Isothermal::deflections(std::span<const double> y, std::span<const double> x,
                             std::span<double> alpha_y, std::span<double> alpha_x) const {
  // The atanh and atan arguments first, in alpha_y and alpha_x.
  for (std::size_t i = 0; i < y.size(); ++i) {
    double yf, xf;
    frame_.to_frame(y[i], x[i], yf, xf);
    const double psi = std::sqrt(q_squared_ * xf * xf + yf * yf + 1e-16);
    alpha_y[i] = s_ * yf / psi;
    alpha_x[i] = s_ * xf / psi;
  }
  atanh_in_place(alpha_y.first(y.size()));
  atan_in_place(alpha_x.first(y.size()));
  for (std::size_t i = 0; i < y.size(); ++i)
    frame_.rotate_back(factor_ * alpha_y[i], factor_ * alpha_x[i], alpha_y[i], alpha_x[i]);
}

void LensMass::trace(std::span<const double> y, std::span<const double> x, std::span<double> beta_y,
                     std::span<double> beta_x) const {
  mass.deflections(y, x, beta_y, beta_x);
  for (std::size_t i = 0; i < y.size(); ++i) {
    double sy, sx;
    shear.deflection(y[i], x[i], sy, sx);
    beta_y[i] = y[i] - (beta_y[i] + sy);
    beta_x[i] = x[i] - (beta_x[i] + sx);
  }
}

void GaussianBasis::squared_radii(std::span<const double> y, std::span<const double> x,
                                  std::span<double> out) const {
  for (std::size_t i = 0; i < y.size(); ++i) out[i] = squared_radius(y[i], x[i]);
}

GaussianBasis::GaussianBasis(double centre_y, double centre_x, EllipticalComponents ell,
                             const std::vector<double>& sigmas) {
  double q, angle;
  axis_ratio_and_angle_from(ell, q, angle);
  frame_ = ProfileFrame(centre_y, centre_x, angle);
  q_squared_ = q * q;
  if (sigmas.size() > kMaxGaussians)
    throw std::invalid_argument("GaussianBasis: more than " + std::to_string(kMaxGaussians) + " Gaussians");
  for (std::size_t k = 0; k < sigmas.size(); ++k) {
    if (!(sigmas[k] > 0.0) || (k > 0 && sigmas[k] < sigmas[k - 1]))
      throw std::invalid_argument("GaussianBasis: sigmas must be positive and ascending");
    exponent_scale_.push_back(-0.5 / (sigmas[k] * sigmas[k]));
  }
}

template <class Out>
void GaussianBasis::evaluate(double y, double x, Out* values) const {
  if constexpr (std::is_same_v<Out, double>) {
    flushed_gaussians<double>(exponent_scale_, squared_radius(y, x), values);
  } else {
    double buffer[kMaxGaussians];
    flushed_gaussians<Out>(exponent_scale_, squared_radius(y, x), buffer);
    for (std::size_t i = 0; i < exponent_scale_.size(); ++i) values[i] = static_cast<Out>(buffer[i]);
  }
}
template void GaussianBasis::evaluate<double>(double, double, double*) const;
template void GaussianBasis::evaluate<float>(double, double, float*) const;

void GaussianBasis::accumulate(double y, double x, double weight, double* sums) const {
  double values[kMaxGaussians];
  flushed_gaussians<double>(exponent_scale_, squared_radius(y, x), values);
  const Eigen::Index k = static_cast<Eigen::Index>(exponent_scale_.size());
  Eigen::Map<Eigen::ArrayXd>(sums, k) += weight * Eigen::Map<const Eigen::ArrayXd>(values, k);
}

template <class Out>
void GaussianBasis::column(std::size_t k, std::span<const double> squared_radii,
                           std::span<Out> values) const {
  // In chunks through a double buffer, where exp_in_place takes the
  // exponents a vector register at a time (the fp32 columns too: a double
  // exp, then the cast).
  constexpr std::size_t kChunk = 256;
  const double scale = exponent_scale_[k];
  double buffer[kChunk];
  for (std::size_t start = 0; start < squared_radii.size(); start += kChunk) {
    const std::size_t count = std::min(kChunk, squared_radii.size() - start);
    const double* r2 = squared_radii.data() + start;
    // Exponents below -700 are set to 0 by the select below whatever their
    // exp; clamped, they keep libmvec on its fast path, which hands a
    // register with an argument near the underflow (or -inf: +inf squared
    // radii are off the input pixels) to a scalar loop.
    for (std::size_t i = 0; i < count; ++i) buffer[i] = std::max(r2[i] * scale, -700.0);
    exp_in_place({buffer, count});
    Out* out = values.data() + start;
    for (std::size_t i = 0; i < count; ++i)
      out[i] = r2[i] * scale < kLogSmallestNormal<Out> ? Out(0) : static_cast<Out>(buffer[i]);
  }
}
template void GaussianBasis::column<double>(std::size_t, std::span<const double>, std::span<double>) const;
template void GaussianBasis::column<float>(std::size_t, std::span<const double>, std::span<float>) const;


std::vector<double> mge_sigmas(double mask_radius, int total_gaussians) {
  std::vector<double> sigmas(total_gaussians);
  const double start = -4.0, stop = std::log10(mask_radius);
  if (total_gaussians == 1) return {std::pow(10.0, start)};
  const double step = (stop - start) / (total_gaussians - 1);
  for (int i = 0; i < total_gaussians; ++i) {
    const double exponent = (i == total_gaussians - 1) ? stop : i * step + start;
    sigmas[i] = std::pow(10.0, exponent);
  }
  return sigmas;
}

double sersic_constant(double n) {
  return (2.0 * n) - (1.0 / 3.0) + (4.0 / (405.0 * n)) + (46.0 / (25515.0 * n * n)) +
         (131.0 / (1148175.0 * n * n * n)) - (2194697.0 / (30690717750.0 * n * n * n * n));
}

Sersic::Sersic(double centre_y, double centre_x, EllipticalComponents ell, double intensity,
               double effective_radius, double sersic_index)
    : intensity_(intensity), effective_radius_(effective_radius), sersic_index_(sersic_index),
      sersic_constant_(sersic_constant(sersic_index)) {
  double angle;
  axis_ratio_and_angle_from(ell, axis_ratio_, angle);
  frame_ = ProfileFrame(centre_y, centre_x, angle);
}

double Sersic::eccentric_radius(double y, double x) const {
  double yf, xf;
  frame_.to_frame(y, x, yf, xf);
  const double elliptical = std::sqrt(xf * xf + (yf / axis_ratio_) * (yf / axis_ratio_));
  return std::sqrt(axis_ratio_) * elliptical;
}

double Sersic::image(double y, double x) const {
  const double r = eccentric_radius(y, x);
  return intensity_ *
         std::exp(-sersic_constant_ * (std::pow(r / effective_radius_, 1.0 / sersic_index_) - 1.0));
}

SersicCore::SersicCore(double centre_y, double centre_x, EllipticalComponents ell,
                       double intensity, double effective_radius, double sersic_index,
                       double radius_break, double gamma, double alpha)
    : Sersic(centre_y, centre_x, ell, intensity, effective_radius, sersic_index),
      radius_break_(radius_break), gamma_(gamma), alpha_(alpha) {
  intensity_prime_ =
      intensity_ * std::pow(2.0, -gamma_ / alpha_) *
      std::exp(sersic_constant_ *
               std::pow(std::pow(2.0, 1.0 / alpha_) * radius_break_ / effective_radius_,
                        1.0 / sersic_index_));
}

double SersicCore::image(double y, double x) const {
  const double r = eccentric_radius(y, x);
  return intensity_prime_ * std::pow(1.0 + std::pow(radius_break_ / r, alpha_), gamma_ / alpha_) *
         std::exp(-sersic_constant_ *
                  std::pow((std::pow(r, alpha_) + std::pow(radius_break_, alpha_)) /
                               std::pow(effective_radius_, alpha_),
                           1.0 / (alpha_ * sersic_index_)));
}

}  // namespace nslab
