#pragma once
// The 11 parameters every imaging cell starts with (docs/lens-likelihoods.md,
// "Profiles and the lens model"), in PyAutoFit order, and the lens they describe:
//   0 lens_light_centre_y  U(-0.1, 0.1)        galaxies.lens.bulge.centre_0
//   1 lens_light_centre_x  U(-0.1, 0.1)        galaxies.lens.bulge.centre_1
//   2 lens_light_e1        TG(0, 0.3, [-1, 1]) galaxies.lens.bulge.ell_comps_0
//   3 lens_light_e2        TG(0, 0.3, [-1, 1]) galaxies.lens.bulge.ell_comps_1
//   4 mass_centre_y        N(0, 0.1)           galaxies.lens.mass.centre_0
//   5 mass_centre_x        N(0, 0.1)           galaxies.lens.mass.centre_1
//   6 mass_e1              TG(0, 0.3, [-1, 1]) galaxies.lens.mass.ell_comps_0
//   7 mass_e2              TG(0, 0.3, [-1, 1]) galaxies.lens.mass.ell_comps_1
//   8 einstein_radius      U(0, 8)             galaxies.lens.mass.einstein_radius
//   9 shear_gamma_1        U(-0.3, 0.3)        galaxies.lens.shear.gamma_1
//  10 shear_gamma_2        U(-0.3, 0.3)        galaxies.lens.shear.gamma_2
// The lens light is an MGE of 20 Gaussians (sigma from 1e-4" to the mask radius).
#include <span>
#include <string>
#include <vector>

#include "likelihoods/lens/profiles.hpp"
#include "likelihoods/prior.hpp"

namespace nslab {

inline constexpr std::size_t kLensParameterCount = 11;
inline constexpr int kMgeTotalGaussians = 20;

std::vector<std::string> lens_parameter_names();
std::vector<ParameterPrior> lens_parameter_priors();

struct LensGalaxy {
  GaussianBasis light;  // linear: unit intensities
  LensMass mass;
};
// theta: at least the 11 lens parameters.
LensGalaxy lens_galaxy_from(std::span<const double> theta, const std::vector<double>& mge_sigmas);

// The simulator's truth (docs/lens-likelihoods.md) in these 11 parameters (light e1, e2
// from the truth Sersic's q 0.9, phi 45 degrees).
std::vector<double> lens_truth_parameters();

}  // namespace nslab
