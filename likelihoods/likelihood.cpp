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
  ThreadPool& pool = default_thread_pool();
  // With no more threads than points, each thread reuses its own replica
  // region from point to point (it stays in cache: eight MGE regions of
  // 6.2 MB each overflow this machine's L3, one per thread does not); the
  // workspace still holds one region per point, as the memory model counts
  // it. A point's value never depends on which region it used: every
  // likelihood writes its scratch before reading it.
  const bool by_thread = pool.size() <= log_l.size();
  pool.parallel_for(log_l.size(), [&](std::size_t i) {
    ScratchArena scratch(workspace.replica(by_thread ? pool.current_slot() : i), workspace.stride_bytes());
    log_l[i] = log_likelihood(points.subspan(i * d, d), scratch);
    std::size_t seen = scratch_high_water_.load();
    while (scratch.used_bytes() > seen && !scratch_high_water_.compare_exchange_weak(seen, scratch.used_bytes())) {
    }
  });
}

}  // namespace nslab
