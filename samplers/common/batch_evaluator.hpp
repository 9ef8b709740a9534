#pragma once
// The one door from a sampler to its likelihood: sends batches, and counts
// what the result file reports (evaluations, batched calls, the largest batch,
// non-finite values, time spent inside the likelihood), and the place where a
// run is stopped between likelihood calls.
#include <chrono>
#include <cstddef>
#include <functional>
#include <span>
#include <stdexcept>
#include <string>

#include "core/workspace.hpp"
#include "likelihoods/likelihood.hpp"

namespace nslab {

struct EvaluationCounters {
  std::size_t likelihood_evals = 0;
  std::size_t likelihood_calls = 0;
  std::size_t largest_batch = 0;
  std::size_t non_finite_log_likelihoods = 0;
  double likelihood_wall_s = 0.0;
};

// Thrown before a likelihood call when the run must stop; its what() is the
// reason ("max_evals", "max_wall_s", "signal"). run_sampler catches it.
struct StopBeforeCall : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class BatchEvaluator {
 public:
  explicit BatchEvaluator(const Likelihood& likelihood)
      : likelihood_(likelihood), workspace_(likelihood.workspace_allocator()) {}

  void evaluate(std::span<const double> points, std::span<double> log_l) {
    if (log_l.empty()) return;
    if (stop_check_)
      if (const std::string reason = stop_check_(log_l.size()); !reason.empty()) throw StopBeforeCall(reason);
    const auto start = std::chrono::steady_clock::now();
    counters_.non_finite_log_likelihoods += likelihood_.evaluate(points, log_l, workspace_);
    counters_.likelihood_wall_s +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    counters_.likelihood_evals += log_l.size();
    counters_.likelihood_calls += 1;
    if (log_l.size() > counters_.largest_batch) counters_.largest_batch = log_l.size();
  }

  const Likelihood& likelihood() const { return likelihood_; }
  const EvaluationCounters& counters() const { return counters_; }
  // Restores counters from a checkpoint.
  void set_counters(const EvaluationCounters& counters) { counters_ = counters; }
  // Asked before every call while set, with the call's size: a non-empty
  // reason stops the run there (StopBeforeCall), so budgets and signals are
  // honoured between likelihood calls, not only between a sampler's steps.
  void set_stop_check(std::function<std::string(std::size_t)> check) { stop_check_ = std::move(check); }

 private:
  const Likelihood& likelihood_;
  Workspace workspace_;
  EvaluationCounters counters_;
  std::function<std::string(std::size_t)> stop_check_;
};

}  // namespace nslab
