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
// budget is spent (both checked between steps), and calls the observer after
// every step with the state and its progress.
#include <chrono>
#include <concepts>
#include <cstddef>
#include <functional>
#include <string>
#include <utility>

#include "samplers/common/batch_evaluator.hpp"
#include "samplers/common/run_budget.hpp"
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

template <SamplerAlgorithm Algorithm>
SamplerResult run_sampler(const Algorithm& algorithm,
                          const StepObserver<typename Algorithm::State>& observer = {},
                          const typename Algorithm::State* resume_from = nullptr) {
  using State = typename Algorithm::State;
  const auto start = std::chrono::steady_clock::now();
  BatchEvaluator evaluator(algorithm.likelihood());
  State state;
  if (resume_from != nullptr) {
    state = *resume_from;
    evaluator.set_counters(state.counters);
  } else {
    state = algorithm.initialise(evaluator);
  }
  const RunBudget budget(algorithm.settings().max_evals, algorithm.settings().max_wall_s,
                         state.elapsed_wall_s, start);
  std::string stopped_by;
  for (;;) {
    if (algorithm.finished(state)) {
      stopped_by = "termination";
      break;
    }
    stopped_by = budget.exhausted(evaluator.counters().likelihood_evals);
    if (!stopped_by.empty()) break;
    algorithm.step(state, evaluator);
    state.counters = evaluator.counters();
    state.elapsed_wall_s = budget.elapsed_s();
    if (observer) observer(state, algorithm.progress(state));
  }
  state.counters = evaluator.counters();
  state.elapsed_wall_s = budget.elapsed_s();
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
