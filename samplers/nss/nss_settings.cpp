#include "samplers/nss/nss_settings.hpp"

#include <cmath>
#include <string>

#include "core/error.hpp"

namespace nslab {

void NssSettings::validate(std::size_t dim) const {
  auto fail = [](const std::string& what) { throw UsageError("nss: " + what); };
  if (dim < 1) fail("the likelihood has no parameters");
  if (n_live < 2) fail("n_live must be at least 2, got " + std::to_string(n_live));
  if (num_delete < 1) fail("num_delete must be at least 1, got " + std::to_string(num_delete));
  if (num_delete >= n_live)
    fail("num_delete (" + std::to_string(num_delete) + ") must be below n_live (" +
         std::to_string(n_live) + ")");
  if (num_inner_steps < 1)
    fail("num_inner_steps must be at least 1, got " + std::to_string(num_inner_steps));
  if (max_steps < 1) fail("max_steps must be at least 1, got " + std::to_string(max_steps));
  if (max_shrinkage < 1)
    fail("max_shrinkage must be at least 1, got " + std::to_string(max_shrinkage));
  if (!std::isfinite(termination)) fail("termination must be finite");
  if (evidence_samples < 2) fail("evidence_samples must be at least 2");
  if (max_wall_s < 0) fail("max_wall_s must not be negative");
  // The initial population is n_live evaluations; a budget below it would
  // stop the run before there is anything to report.
  if (max_evals > 0 && max_evals < n_live)
    fail("max_evals (" + std::to_string(max_evals) + ") is below n_live (" + std::to_string(n_live) +
         "): the initial population alone takes n_live evaluations");
}

}  // namespace nslab
