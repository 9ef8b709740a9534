#pragma once
// The one door from a sampler to its likelihood: sends batches, and counts
// what the result file reports (evaluations, batched calls, the largest batch,
// non-finite values, time spent inside the likelihood).
#include <chrono>
#include <cstddef>
#include <span>

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

class BatchEvaluator {
 public:
  explicit BatchEvaluator(const Likelihood& likelihood)
      : likelihood_(likelihood), workspace_(likelihood.workspace_allocator()) {}

  void evaluate(std::span<const double> points, std::span<double> log_l) {
    if (log_l.empty()) return;
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

 private:
  const Likelihood& likelihood_;
  Workspace workspace_;
  EvaluationCounters counters_;
};

}  // namespace nslab
