#include "likelihoods/lens/profiles.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <numbers>
#include <vector>

#include "likelihoods/lens/vector_math.hpp"

namespace nslab {
namespace {

TEST(LensProfiles, EllipticityRoundTripsAndClampsAtF0999) {
  const EllipticalComponents ell = ell_comps_from(0.8, 60.0);
  EXPECT_NEAR(ell.e1, 0.0962250448649376, 1e-15);  // tracer.json's source ell_comps
  EXPECT_NEAR(ell.e2, -0.05555555555555551, 1e-15);
  double q, angle;
  axis_ratio_and_angle_from(ell, q, angle);
  EXPECT_NEAR(q, 0.8, 1e-14);
  EXPECT_NEAR(angle, 60.0, 1e-12);
  axis_ratio_and_angle_from({0.0, -0.2}, q, angle);
  EXPECT_NEAR(angle, 90.0, 1e-12);  // -90 is moved into [-45, 135)
  axis_ratio_and_angle_from({0.9, 0.9}, q, angle);
  EXPECT_NEAR(q, (1 - 0.999) / (1 + 0.999), 1e-15);
}

TEST(LensProfiles, IsothermalTendsToTheSingularIsothermalSphere) {
  const Isothermal sis(0.1, -0.2, {0.0, 0.0}, 1.6);  // q capped at 0.99999
  double ay, ax;
  sis.deflection(0.1 + 0.6, -0.2 - 0.8, ay, ax);
  EXPECT_NEAR(ay, 1.6 * 0.6, 5e-5);
  EXPECT_NEAR(ax, -1.6 * 0.8, 5e-5);
}

TEST(LensProfiles, IsothermalDeflectionIsCurlFreeForAnyOrientation) {
  // A deflection field is the gradient of the lensing potential: its curl
  // vanishes. A wrong rotation back to the sky frame breaks this.
  const Isothermal sie(0.05, -0.03, ell_comps_from(0.6, 37.0), 1.3);
  const double h = 1e-5;
  for (double y : {-0.7, 0.4, 1.1}) {
    for (double x : {-0.9, 0.3, 0.8}) {
      double ay1, ax1, ay2, ax2, ay3, ax3, ay4, ax4;
      sie.deflection(y + h, x, ay1, ax1);
      sie.deflection(y - h, x, ay2, ax2);
      sie.deflection(y, x + h, ay3, ax3);
      sie.deflection(y, x - h, ay4, ax4);
      const double dax_dy = (ax1 - ax2) / (2 * h), day_dx = (ay3 - ay4) / (2 * h);
      EXPECT_NEAR(dax_dy, day_dx, 1e-6) << y << " " << x;
    }
  }
}

// The array trace (atan / atanh over arrays, libmvec's where the build has
// it) against the point-by-point one: within a few ulp, at 4k + 3 points so
// the vector loop's scalar tail runs, with points near the mass centre
// (where atanh's argument nears s) and far from it.
TEST(LensProfiles, ArrayTraceMatchesThePointTraceToAFewUlp) {
  const LensMass lens{Isothermal(0.05, -0.03, ell_comps_from(0.6, 37.0), 1.3), ExternalShear{0.05, -0.03}};
  std::vector<double> y, x;
  for (int i = 0; i < 1023; ++i) {
    const double r = i % 3 == 0 ? 1e-6 * (i + 1) : 0.01 * i, angle = 0.37 * i;
    y.push_back(0.05 + r * std::sin(angle));
    x.push_back(-0.03 + r * std::cos(angle));
  }
  std::vector<double> beta_y(y.size()), beta_x(y.size());
  lens.trace(y, x, beta_y, beta_x);
  double worst = 0.0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    double by, bx;
    lens.trace(y[i], x[i], by, bx);
    // Relative to the deflection's scale (the Einstein radius): beta itself
    // crosses zero.
    worst = std::max({worst, std::abs(beta_y[i] - by) / 1.3, std::abs(beta_x[i] - bx) / 1.3});
  }
  EXPECT_LE(worst, 8 * std::numeric_limits<double>::epsilon()) << (vector_math_uses_libmvec() ? "libmvec" : "libm");
  const GaussianBasis basis(0.1, -0.2, ell_comps_from(0.7, 20.0), {0.1, 1.0});
  std::vector<double> r2(y.size());
  basis.squared_radii(y, x, r2);
  for (std::size_t i = 0; i < y.size(); ++i) ASSERT_EQ(r2[i], basis.squared_radius(y[i], x[i])) << i;
}

// The array functions against libm, and position-independent: a value
// computed in an array's last, partial register (zero-padded) has the same
// bits as the same argument inside a whole register.
TEST(LensProfiles, ArrayFunctionsMatchLibmAndDoNotDependOnWhereAValueSits) {
  std::vector<double> arguments;
  for (int i = 0; i < 8 * 64 + 5; ++i) arguments.push_back(-0.95 + 1.9 * i / (8 * 64 + 5));
  using InPlace = void (*)(std::span<double>);
  using Libm = double (*)(double);
  const std::pair<InPlace, Libm> functions[] = {{atan_in_place, [](double v) { return std::atan(v); }},
                                                {atanh_in_place, [](double v) { return std::atanh(v); }}};
  for (const auto& [in_place, libm] : functions) {
    std::vector<double> values = arguments;
    in_place(values);
    for (std::size_t i = 0; i < values.size(); ++i) {
      ASSERT_LE(std::abs(values[i] - libm(arguments[i])), 4 * std::numeric_limits<double>::epsilon() * std::abs(libm(arguments[i]))) << i;
      std::vector<double> alone = {arguments[i]};  // the only lane of a padded register
      in_place(alone);
      ASSERT_EQ(alone[0], values[i]) << i << (vector_math_uses_libmvec() ? " libmvec" : " libm");
    }
  }
  std::vector<double> exponents;
  for (int i = 0; i < 8 * 64 + 5; ++i) exponents.push_back(-700.0 * i / (8 * 64 + 4));
  std::vector<double> values = exponents;
  exp_in_place(values);
  for (std::size_t i = 0; i < values.size(); ++i) {
    ASSERT_LE(std::abs(values[i] - std::exp(exponents[i])), 4 * std::numeric_limits<double>::epsilon() * std::exp(exponents[i])) << i;
    std::vector<double> alone = {exponents[i]};
    exp_in_place(alone);
    if (vector_math_uses_libmvec()) ASSERT_EQ(alone[0], values[i]) << i << ", lanes " << vector_math_lanes();
  }
}

TEST(LensProfiles, ShearMatchesItsMagnitudeAngleForm) {
  // PyAutoGalaxy: alpha' = |g| (-y', x') in the frame at angle atan2(g2, g1)/2, rotated back.
  const ExternalShear shear{0.05, -0.03};
  const double magnitude = std::hypot(0.05, -0.03), phi = 0.5 * std::atan2(-0.03, 0.05);
  const double y = 0.7, x = -1.2;
  const double xf = x * std::cos(phi) + y * std::sin(phi), yf = -x * std::sin(phi) + y * std::cos(phi);
  const double ayf = -magnitude * yf, axf = magnitude * xf;
  double ay, ax;
  shear.deflection(y, x, ay, ax);
  EXPECT_NEAR(ay, axf * std::sin(phi) + ayf * std::cos(phi), 1e-15);
  EXPECT_NEAR(ax, axf * std::cos(phi) - ayf * std::sin(phi), 1e-15);
}

TEST(LensProfiles, GaussianBasisFollowsItsMajorAxis) {
  const double phi = 30.0, q = 0.5, sigma = 0.4;
  const GaussianBasis basis(0.1, 0.2, ell_comps_from(q, phi), {sigma});
  const double d = 0.3, rad = phi * std::numbers::pi / 180.0;
  double value;
  basis.evaluate(0.1 + d * std::sin(rad), 0.2 + d * std::cos(rad), &value);  // along the major axis
  EXPECT_NEAR(value, std::exp(-q * q * d * d / (2 * sigma * sigma)), 1e-14);
  basis.evaluate(0.1 + d * std::cos(rad), 0.2 - d * std::sin(rad), &value);  // along the minor axis
  EXPECT_NEAR(value, std::exp(-d * d / (2 * sigma * sigma)), 1e-14);
}

TEST(LensProfiles, GaussianBasisValuesUnderTheSmallestNormalAreZeroAndTheRestMatchLibm) {
  // Widths from far too narrow to matter to wide: the narrow ones must come
  // out exactly 0 (flushed), the others as std::exp gives them.
  const std::vector<double> sigmas = {1e-4, 1e-3, 0.01, 0.1, 1.0, 3.0};
  const GaussianBasis basis(0.0, 0.0, {0.0, 0.0}, sigmas);
  for (double r : {0.0, 0.02, 0.5, 2.0, 40.0}) {
    double values[6], floats_as_double[6];
    float floats[6];
    basis.evaluate(r, 0.0, values);
    basis.evaluate(r, 0.0, floats);
    for (int k = 0; k < 6; ++k) {
      const double argument = -r * r / (2 * sigmas[k] * sigmas[k]);
      const double expected = std::exp(argument);
      // Eigen's vectorised exp: relative error within a few ulp times |argument|.
      const double tolerance = 1e-15 * std::max(1.0, std::abs(argument)) * expected;
      if (expected < std::numeric_limits<double>::min()) EXPECT_EQ(values[k], 0.0);
      else EXPECT_NEAR(values[k], expected, tolerance) << "r " << r << " sigma " << sigmas[k];
      floats_as_double[k] = floats[k];
      if (expected < std::numeric_limits<float>::min()) EXPECT_EQ(floats_as_double[k], 0.0);
      else EXPECT_NEAR(floats_as_double[k], expected, 1e-7 * expected);
    }
    double sums[6] = {1, 1, 1, 1, 1, 1};
    basis.accumulate(r, 0.0, 2.0, sums);
    for (int k = 0; k < 6; ++k) EXPECT_DOUBLE_EQ(sums[k], 1.0 + 2.0 * values[k]);
  }
}

TEST(LensProfiles, GaussianBasisRefusesWidthsThatAreNotPositiveAndAscending) {
  EXPECT_THROW(GaussianBasis(0, 0, {0, 0}, {0.2, 0.1}), std::invalid_argument);
  EXPECT_THROW(GaussianBasis(0, 0, {0, 0}, {0.0, 0.1}), std::invalid_argument);
  EXPECT_THROW(GaussianBasis(0, 0, {0, 0}, std::vector<double>(GaussianBasis::kMaxGaussians + 1, 1.0)),
               std::invalid_argument);
}

TEST(LensProfiles, MgeSigmasAreLogSpacedFromOneMicroArcsecToTheMaskRadius) {
  const std::vector<double> sigmas = mge_sigmas(3.5, 20);
  ASSERT_EQ(sigmas.size(), 20u);
  EXPECT_DOUBLE_EQ(sigmas.front(), 1e-4);
  EXPECT_NEAR(sigmas.back(), 3.5, 1e-14);
  EXPECT_NEAR(sigmas[1] / sigmas[0], sigmas[19] / sigmas[18], 1e-12);
}

TEST(LensProfiles, SersicIsItsIntensityAtTheEffectiveRadius) {
  const Sersic sersic(0.0, 0.0, {0.0, 0.0}, 2.0, 0.6, 3.0);
  EXPECT_NEAR(sersic.image(0.0, 0.6), 2.0, 1e-14);
  // Ciotti & Bertin's series; the exact b_1 (Gamma(2, b) = Gamma(2) / 2) is 1.678347.
  EXPECT_NEAR(sersic_constant(1.0), 1.678347, 1e-4);
  EXPECT_NEAR(sersic_constant(4.0), 7.669249, 1e-4);
  // Far outside its break radius a cored Sersic is its Sersic times I'/I e^-b.
  const SersicCore core(0.0, 0.0, {0.0, 0.0}, 4.0, 0.1, 1.0);
  const Sersic plain(0.0, 0.0, {0.0, 0.0}, 4.0, 0.1, 1.0);
  const double ratio_far = core.image(0.0, 0.5) / plain.image(0.0, 0.5);
  const double ratio_farther = core.image(0.0, 0.8) / plain.image(0.0, 0.8);
  EXPECT_NEAR(ratio_far / ratio_farther, 1.0, 1e-3);
}

}  // namespace
}  // namespace nslab
