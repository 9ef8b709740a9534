#include "likelihoods/lens/lens_parameters.hpp"

namespace nslab {

std::vector<std::string> lens_parameter_names() {
  return {"lens_light_centre_y", "lens_light_centre_x", "lens_light_e1", "lens_light_e2",
          "mass_centre_y",       "mass_centre_x",       "mass_e1",       "mass_e2",
          "einstein_radius",     "shear_gamma_1",       "shear_gamma_2"};
}

std::vector<ParameterPrior> lens_parameter_priors() {
  const auto ellipticity = ParameterPrior::truncated_gaussian(0.0, 0.3, -1.0, 1.0);
  return {ParameterPrior::uniform(-0.1, 0.1), ParameterPrior::uniform(-0.1, 0.1), ellipticity,
          ellipticity, ParameterPrior::gaussian(0.0, 0.1), ParameterPrior::gaussian(0.0, 0.1),
          ellipticity, ellipticity, ParameterPrior::uniform(0.0, 8.0),
          ParameterPrior::uniform(-0.3, 0.3), ParameterPrior::uniform(-0.3, 0.3)};
}

LensGalaxy lens_galaxy_from(std::span<const double> theta, const std::vector<double>& mge_sigmas) {
  return {GaussianBasis(theta[0], theta[1], {theta[2], theta[3]}, mge_sigmas),
          LensMass{Isothermal(theta[4], theta[5], {theta[6], theta[7]}, theta[8]),
                   ExternalShear{theta[9], theta[10]}}};
}

std::vector<double> lens_truth_parameters() {
  const EllipticalComponents ell = ell_comps_from(0.9, 45.0);
  return {0.0, 0.0, ell.e1, ell.e2, 0.0, 0.0, ell.e1, ell.e2, 1.6, 0.05, 0.05};
}

}  // namespace nslab
