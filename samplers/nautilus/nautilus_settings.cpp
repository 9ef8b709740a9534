#include "samplers/nautilus/nautilus_settings.hpp"

#include <cmath>
#include <string>

#include "core/error.hpp"

namespace nslab {

void NautilusSettings::validate(std::size_t dim) const {
  auto fail = [](const std::string& what) { throw UsageError("nautilus: " + what); };
  const std::string d = std::to_string(dim);
  if (dim < 2)
    fail("needs at least 2 parameters (dim >= 2), the likelihood has " + d +
         "; use another sampler for one-parameter problems");
  if (n_batch < 1) fail("n_batch must be at least 1, got " + std::to_string(n_batch));
  if (n_live < dim + 1)
    fail("n_live must be at least dim + 1 = " + std::to_string(dim + 1) + " (an ellipsoid needs " +
         "more points than dimensions), got " + std::to_string(n_live));
  if (n_points_min != 0 && n_points_min < dim + 1)
    fail("n_points_min must be at least dim + 1 = " + std::to_string(dim + 1) + ", got " +
         std::to_string(n_points_min));
  if (!(enlarge_per_dim >= 1.0) || !std::isfinite(enlarge_per_dim))
    fail("enlarge_per_dim must be a finite number >= 1, got " + std::to_string(enlarge_per_dim));
  if (!(split_threshold > 0.0) || !std::isfinite(split_threshold))
    fail("split_threshold must be a positive number, got " + std::to_string(split_threshold));
  if (!(f_live > 0.0 && f_live < 1.0))
    fail("f_live must lie in (0, 1), got " + std::to_string(f_live));
  if (n_shell < 1) fail("n_shell must be at least 1, got " + std::to_string(n_shell));
  if (!(n_eff >= 0.0) || !std::isfinite(n_eff))
    fail("n_eff must be a finite number >= 0, got " + std::to_string(n_eff));
  if (n_networks > 64) fail("n_networks must be at most 64, got " + std::to_string(n_networks));
  if (max_wall_s < 0) fail("max_wall_s must not be negative");
}

}  // namespace nslab
