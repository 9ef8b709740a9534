#pragma once
// Why a run ends before its sampler's own rule, beyond the budgets of
// run_budget.hpp: a stop requested from outside (a signal), and a likelihood
// that gave nothing to work with (docs/exit-status.md).
#include <atomic>
#include <cstddef>
#include <string>

#include "core/error.hpp"
#include "samplers/common/batch_evaluator.hpp"

namespace nslab {

// The number of the signal that asked the run to stop (SIGINT, SIGTERM,
// SIGHUP), 0 while none has; nslab run's handler stores it. Lock-free, so a
// signal handler may store it.
inline std::atomic<int> g_stop_request{0};
static_assert(std::atomic<int>::is_always_lock_free);

// A run stopped by a signal between likelihood calls, the state of its last
// whole step saved when `saved`: nslab run says where it stopped and how to
// resume, then ends by that signal (128 + N).
struct RunInterrupted : RunError {
  RunInterrupted(int signal, std::size_t iteration, std::size_t likelihood_evals, bool saved)
      : RunError("stopped by signal " + std::to_string(signal)), signal(signal), iteration(iteration),
        likelihood_evals(likelihood_evals), saved(saved) {}
  int signal;
  std::size_t iteration;         // of the last whole step (0: in the initial population)
  std::size_t likelihood_evals;  // done when it stopped, the unfinished step's included
  bool saved;
};

// RunError: `budget` ("max_evals" / "max_wall_s", of `limit`) was spent before
// the initial population was whole, so there is no estimate to report.
[[noreturn]] void fail_budget_in_initial_population(const std::string& budget, double limit,
                                                    const EvaluationCounters& counters, double elapsed_s);

// RunError when every likelihood value so far was NaN or +inf (each counted
// as -inf): judged once there are kValuesToJudge of them, or at the end of a
// run however few. A likelihood that is -inf everywhere is not judged here:
// that is a valid, if empty, posterior.
inline constexpr std::size_t kValuesToJudge = 1000;
void check_some_value_finite(const EvaluationCounters& counters, bool run_over);

}  // namespace nslab
