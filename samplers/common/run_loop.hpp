#pragma once
// The one run loop of every sampler: BlackJAX's init/step split, in C++.
//
// A sampler is an algorithm over a plain-data state (docs/design.md, "The
// sampler contract"):
//   State initialise(BatchEvaluator&) const       the first state (it may evaluate)
//   void step(State&, BatchEvaluator&) const      one outer step (NSS) or batch (Nautilus)
//   bool finished(const State&) const             the sampler's own stopping rule
//   SamplerProgress progress(const State&) const  the report after a step
//   SamplerResult finish(const State&, const std::string& stopped_by) const
// with likelihood() and settings() (max_evals, max_wall_s), and a State that
// carries counters, elapsed_wall_s and iteration(). SamplerBase gives a
// sampler those two and run(). run_sampler() is the loop:
// it starts from initialise() or a resumed state, stops when finished() or a
// budget is spent or a signal asks (run_stop.hpp), and calls the observer
// after every step with the state and its progress.
//
// Budgets and signals are checked between steps and, where the sampler allows
// it, between the likelihood calls of a step (BatchEvaluator's stop check): a
// sampler whose step changes its state only after its last call says so with
// `static constexpr bool kStepChangesStateLast = true` (NSS), and a step
// stopped part-way leaves the state of the last whole step. Between calls,
// max_evals stops the run before a call that would pass it, so it is never
// exceeded and the result does not depend on the batch size. The initial
// population is always checked between its calls.
#include <chrono>
#include <concepts>
#include <cstddef>
#include <functional>
#include <string>
#include <utility>

#include "core/error.hpp"
#include "samplers/common/batch_evaluator.hpp"
#include "samplers/common/run_budget.hpp"
#include "samplers/common/run_stop.hpp"
#include "samplers/common/sampler_result.hpp"

namespace nslab {

// A progress report, the same for every sampler (the progress line).
struct SamplerProgress {
  std::size_t iteration = 0;        // outer step (NSS) or batch (Nautilus)
  std::size_t likelihood_evals = 0;
  double log_z = 0.0;
  double log_z_remaining = 0.0;     // NSS: log Z_live - log Z; Nautilus: log f_live
  double elapsed_wall_s = 0.0;
  double likelihood_wall_s = 0.0;
};

template <class Algorithm>
concept SamplerAlgorithm = requires(const Algorithm& algorithm, typename Algorithm::State& state,
                                    BatchEvaluator& evaluator) {
  { algorithm.initialise(evaluator) } -> std::same_as<typename Algorithm::State>;
  algorithm.step(state, evaluator);
  { algorithm.finished(state) } -> std::convertible_to<bool>;
  { algorithm.progress(state) } -> std::same_as<SamplerProgress>;
  { algorithm.finish(state, std::string()) } -> std::same_as<SamplerResult>;
  { algorithm.likelihood() } -> std::convertible_to<const Likelihood&>;
  { algorithm.settings().max_evals } -> std::convertible_to<std::size_t>;
  { algorithm.settings().max_wall_s } -> std::convertible_to<double>;
  { state.counters } -> std::convertible_to<EvaluationCounters>;
  { state.elapsed_wall_s } -> std::convertible_to<double>;
  { state.iteration() } -> std::convertible_to<std::size_t>;
};

// Called after every step, e.g. for progress and checkpoints.
template <class State>
using StepObserver = std::function<void(const State&, const SamplerProgress&)>;

template <class Algorithm>
constexpr bool step_changes_state_last() {
  if constexpr (requires { Algorithm::kStepChangesStateLast; }) return Algorithm::kStepChangesStateLast;
  return false;
}

// save_on_stop, when given, receives the state of the last whole step when a
// signal stops the run; then run_sampler throws RunInterrupted.
template <SamplerAlgorithm Algorithm>
SamplerResult run_sampler(const Algorithm& algorithm,
                          const StepObserver<typename Algorithm::State>& observer = {},
                          const typename Algorithm::State* resume_from = nullptr,
                          const std::function<void(const typename Algorithm::State&)>& save_on_stop = {}) {
  using State = typename Algorithm::State;
  const auto start = std::chrono::steady_clock::now();
  BatchEvaluator evaluator(algorithm.likelihood());
  const RunBudget budget(algorithm.settings().max_evals, algorithm.settings().max_wall_s,
                         resume_from != nullptr ? resume_from->elapsed_wall_s : 0.0, start);
  // Before a call of `points` (0: between steps), why the run must stop, or "".
  const auto why_stop = [&](std::size_t points) -> std::string {
    if (g_stop_request.load() != 0) return "signal";
    return budget.exhausted(evaluator.counters().likelihood_evals, points);
  };
  const auto interrupted = [&](std::size_t iteration, bool saved) {
    return RunInterrupted(g_stop_request.load(), iteration, evaluator.counters().likelihood_evals, saved);
  };
  State state;
  if (resume_from != nullptr) {
    state = *resume_from;
    evaluator.set_counters(state.counters);
  } else {
    evaluator.set_stop_check(why_stop);
    try {
      state = algorithm.initialise(evaluator);
    } catch (const StopBeforeCall& stop) {
      if (std::string(stop.what()) == "signal") throw interrupted(0, false);
      const auto& limits = algorithm.settings();
      fail_budget_in_initial_population(
          stop.what(),
          stop.what() == std::string("max_evals") ? static_cast<double>(limits.max_evals) : limits.max_wall_s,
          evaluator.counters(), budget.elapsed_s());
    }
    state.counters = evaluator.counters();
    state.elapsed_wall_s = budget.elapsed_s();
    check_some_value_finite(state.counters, false);
  }
  using StopCheck = std::function<std::string(std::size_t)>;
  evaluator.set_stop_check(step_changes_state_last<Algorithm>() ? StopCheck(why_stop) : StopCheck());
  std::string stopped_by;
  for (;;) {
    if (algorithm.finished(state)) {
      stopped_by = "termination";
      break;
    }
    stopped_by = why_stop(0);
    if (!stopped_by.empty()) break;
    try {
      algorithm.step(state, evaluator);
    } catch (const StopBeforeCall& stop) {
      stopped_by = stop.what();  // the state is still that of the last whole step
      break;
    }
    state.counters = evaluator.counters();
    state.elapsed_wall_s = budget.elapsed_s();
    check_some_value_finite(state.counters, false);
    if (observer) observer(state, algorithm.progress(state));
  }
  if (stopped_by == "signal") {
    // The last whole step, with its own counters: a resume from it redoes
    // the rest of the interrupted step exactly.
    if (save_on_stop) save_on_stop(state);
    throw interrupted(state.iteration(), static_cast<bool>(save_on_stop));
  }
  state.counters = evaluator.counters();
  state.elapsed_wall_s = budget.elapsed_s();
  check_some_value_finite(state.counters, true);
  return algorithm.finish(state, stopped_by);
}

// What every sampler shares: its likelihood, its settings (validated against
// the likelihood's dimension), and run(), the loop over Derived's contract.
template <class Derived, class SettingsType, class StateType>
class SamplerBase {
 public:
  using State = StateType;
  SamplerBase(const Likelihood& likelihood, SettingsType settings)
      : likelihood_(likelihood), settings_(std::move(settings)) {
    settings_.validate(likelihood.dim());
  }
  const Likelihood& likelihood() const { return likelihood_; }
  const SettingsType& settings() const { return settings_; }
  SamplerResult run(const StepObserver<State>& observer = {}, const State* resume_from = nullptr) const {
    return run_sampler(static_cast<const Derived&>(*this), observer, resume_from);
  }

 protected:
  const Likelihood& likelihood_;
  SettingsType settings_;
};

}  // namespace nslab
