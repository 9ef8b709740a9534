#include "likelihoods/likelihood.hpp"

#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "core/thread_pool.hpp"

namespace nslab {

std::vector<std::string> numbered_parameter_names(std::size_t dim) {
  std::vector<std::string> names;
  // "x" then the index appended: GCC 12's -Wrestrict misfires on "x" + string (bug 105329).
  for (std::size_t i = 0; i < dim; ++i) names.push_back(std::string("x").append(std::to_string(i)));
  return names;
}

Likelihood::Likelihood(std::vector<std::string> parameter_names, Prior prior)
    : parameter_names_(std::move(parameter_names)), prior_(std::move(prior)) {
  if (parameter_names_.size() != prior_.dim())
    throw std::logic_error("likelihood has " + std::to_string(parameter_names_.size()) +
                           " parameter names but a prior of dimension " +
                           std::to_string(prior_.dim()));
}

std::size_t Likelihood::evaluate(std::span<const double> points, std::span<double> log_l,
                                 Workspace& workspace) const {
  if (points.size() != log_l.size() * dim())
    throw std::logic_error("likelihood batch: " + std::to_string(points.size()) +
                           " coordinates for " + std::to_string(log_l.size()) + " points of dim " +
                           std::to_string(dim()));
  if (log_l.empty()) return 0;
  workspace.reserve(log_l.size(), bytes_per_replica());
  do_evaluate(points, log_l, workspace);
  std::size_t non_finite = 0;
  for (double& value : log_l) {
    if (std::isnan(value) || value == std::numeric_limits<double>::infinity()) {
      value = -std::numeric_limits<double>::infinity();
      ++non_finite;
    }
  }
  return non_finite;
}

void PointwiseLikelihood::do_evaluate(std::span<const double> points, std::span<double> log_l,
                                      Workspace& workspace) const {
  const std::size_t d = dim();
  default_thread_pool().parallel_for(log_l.size(), [&](std::size_t i) {
    ScratchArena scratch(workspace.replica(i), workspace.stride_bytes());
    log_l[i] = log_likelihood(points.subspan(i * d, d), scratch);
    std::size_t seen = scratch_high_water_.load();
    while (scratch.used_bytes() > seen && !scratch_high_water_.compare_exchange_weak(seen, scratch.used_bytes())) {
    }
  });
}

}  // namespace nslab
