#pragma once
// The budgets every sampler honours between steps, and between likelihood
// calls where its steps allow (run_loop.hpp): likelihood evaluations and wall
// time (the latter counting time before a resume).
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <string>

namespace nslab {

class RunBudget {
 public:
  // `start`: when this process began the run (before any initial fan-out).
  RunBudget(std::size_t max_evals, double max_wall_s, double wall_before_s,
            std::chrono::steady_clock::time_point start)
      : max_evals_(max_evals), max_wall_s_(max_wall_s), wall_before_s_(wall_before_s),
        start_(start) {}

  // Sampler wall time so far [s], including time before a resume.
  double elapsed_s() const {
    return wall_before_s_ +
           std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }
  // "max_evals" or "max_wall_s" when a budget is spent, else "". 0 means
  // unbounded. Before a call of `next_call` points, max_evals counts as spent
  // when that call would take the run past it: it is never exceeded.
  std::string exhausted(std::size_t likelihood_evals, std::size_t next_call = 0) const {
    if (max_evals_ > 0 && likelihood_evals + std::max<std::size_t>(next_call, 1) > max_evals_)
      return "max_evals";
    if (max_wall_s_ > 0 && elapsed_s() >= max_wall_s_) return "max_wall_s";
    return {};
  }

 private:
  std::size_t max_evals_;
  double max_wall_s_, wall_before_s_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace nslab
