#include "samplers/nautilus/nautilus_sampler.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "core/log_math.hpp"
#include "samplers/nautilus/exploration.hpp"
#include "samplers/nautilus/shell_evidence.hpp"
#include "samplers/nautilus/shell_sampling.hpp"

namespace nslab {

NautilusState NautilusSampler::initialise(BatchEvaluator&) const {
  NautilusState state;
  state.bounds.push_back(ShellBound::unit_cube(likelihood_.dim(), settings_.seed));
  state.shells.emplace_back();
  // The first bound waits for n_live + n_update cube points.
  state.n_update_iter = -static_cast<std::int64_t>(settings_.n_live);
  return state;
}

void NautilusSampler::evaluate(const std::vector<double>& unit_points, std::vector<double>& log_l,
                               BatchEvaluator& evaluator) const {
  const std::size_t dim = likelihood_.dim(), n = unit_points.size() / dim;
  std::vector<double> physical(unit_points.size());
  for (std::size_t i = 0; i < n; ++i)
    likelihood_.prior().from_unit(std::span<const double>(unit_points).subspan(i * dim, dim),
                                  std::span<double>(physical).subspan(i * dim, dim));
  log_l.assign(n, 0.0);
  evaluator.evaluate(physical, log_l);
}

std::size_t NautilusSampler::add_samples(NautilusState& state, std::size_t index,
                                         BatchEvaluator& evaluator) const {
  const std::size_t dim = likelihood_.dim();
  const bool use_transfer = !state.explored && index + 1 == state.shells.size() && state.transfer.size() > 0;
  ShellDraw draw = draw_for_shell(state, index, settings_.n_batch, use_transfer, settings_.seed);
  Shell& shell = state.shells[index];
  for (std::size_t i : draw.transferred) {
    const auto begin = state.transfer.points.begin() + static_cast<std::ptrdiff_t>(i * dim);
    shell.points.insert(shell.points.end(), begin, begin + static_cast<std::ptrdiff_t>(dim));
    shell.log_l.push_back(state.transfer.log_l[i]);
  }
  state.transferred_points += draw.transferred.size();
  shell.n_sample += draw.n_drawn;

  std::vector<double> log_l;
  evaluate(draw.fresh, log_l, evaluator);
  std::size_t reaching = 0;
  for (std::size_t i = 0; i < log_l.size(); ++i) {
    if (log_l[i] >= shell.log_l_min) ++reaching;
    if (std::isfinite(log_l[i])) ++state.finite_log_l;
    if (log_l[i] > state.best_log_l) {
      state.best_log_l = log_l[i];
      state.best_point.assign(draw.fresh.begin() + static_cast<std::ptrdiff_t>(i * dim),
                              draw.fresh.begin() + static_cast<std::ptrdiff_t>((i + 1) * dim));
    }
  }
  shell.points.insert(shell.points.end(), draw.fresh.begin(), draw.fresh.end());
  shell.log_l.insert(shell.log_l.end(), log_l.begin(), log_l.end());
  refresh_shell(shell, state.bounds[index].log_v(), state.discarding());
  state.batches += 1;
  return reaching;
}

std::size_t NautilusSampler::sampling_shell(const NautilusState& state) const {
  for (std::size_t s = 0; s < state.shells.size(); ++s)
    if (state.shells[s].n < settings_.n_shell) return s;
  // The shell where one more batch shrinks the evidence error most.
  std::size_t best = 0;
  double best_value = kNegativeInfinity;
  for (std::size_t s = 0; s < state.shells.size(); ++s) {
    const Shell& shell = state.shells[s];
    const double value = shell.log_l_mean + shell.log_v -
                         0.5 * std::log(static_cast<double>(shell.n)) - 0.5 * std::log(shell.n_eff);
    if (value > best_value) {
      best_value = value;
      best = s;
    }
  }
  return best;
}

void NautilusSampler::step(NautilusState& state, BatchEvaluator& evaluator) const {
  if (state.explored) {
    add_samples(state, sampling_shell(state), evaluator);
    return;
  }
  const std::size_t dim = likelihood_.dim();
  const bool bound_due =
      state.n_update_iter >= static_cast<std::int64_t>(settings_.resolved_n_update()) ||
      state.n_like_iter >= settings_.resolved_n_like_new_bound();
  if (bound_due && state.total_points() > settings_.n_live) {
    try_add_bound(state, settings_, dim);
    state.n_update_iter = 0;  // reset even when the bound was rejected, as nautilus does
    state.n_like_iter = 0;
  }
  state.n_update_iter += static_cast<std::int64_t>(add_samples(state, state.shells.size() - 1, evaluator));
  state.n_like_iter += settings_.n_batch;
  state.exploration_evals += settings_.n_batch;

  const std::size_t evals = evaluator.counters().likelihood_evals;
  if (state.finite_log_l == 0 &&
      evals >= std::max(100 * settings_.n_live, 10 * settings_.n_batch))
    throw RunError("nautilus: all " + std::to_string(evals) +
                   " likelihood values so far are -inf or NaN; the likelihood is not finite "
                   "anywhere these uniform draws from the prior reached. Check the prior ranges "
                   "and the likelihood");

  const double log_f_live = live_set_estimate(state.shells, settings_.n_live, false).log_f_live;
  if (log_f_live <= std::log(settings_.f_live)) {
    state.log_f_live_explored = log_f_live;
    end_exploration(state, settings_.discard_exploration);
  }
}

bool NautilusSampler::finished(const NautilusState& state) const {
  if (!state.explored) return false;
  for (const Shell& shell : state.shells)
    if (shell.n < settings_.n_shell) return false;
  return shells_n_eff(state.shells) >= settings_.n_eff;
}

SamplerProgress NautilusSampler::progress(const NautilusState& state) const {
  return {state.batches,
          state.counters.likelihood_evals,
          shells_log_z(state.shells),
          live_set_estimate(state.shells, settings_.n_live, state.discarding()).log_f_live,
          state.elapsed_wall_s,
          state.counters.likelihood_wall_s};
}

SamplerResult NautilusSampler::finish(const NautilusState& state, const std::string& stopped_by) const {
  const std::size_t dim = likelihood_.dim();
  SamplerResult result;
  result.log_evidence = shells_log_z(state.shells);
  const double n_eff = shells_n_eff(state.shells);
  result.log_evidence_error = n_eff > 0.0 ? 1.0 / std::sqrt(n_eff) : INFINITY;
  result.log_evidence_error_method =
      "1/sqrt(N_eff), N_eff the effective sample size of the importance weights (nautilus's "
      "estimate); nautilus itself reports no log Z error, and this one does not cover bias from "
      "bounds that cut off likelihood mass";

  const ImportanceSample sample = importance_sample(state.shells, dim, state.discarding());
  result.posterior.dim = dim;
  result.posterior.points.resize(sample.points.size());
  for (std::size_t i = 0; i < sample.log_l.size(); ++i)
    likelihood_.prior().from_unit(std::span<const double>(sample.points).subspan(i * dim, dim),
                                  std::span<double>(result.posterior.points).subspan(i * dim, dim));
  result.posterior.log_l = sample.log_l;
  result.posterior.weights = sample.weights;
  result.summary = summarise_posterior(result.posterior);

  result.max_log_likelihood = state.best_log_l;
  if (!state.best_point.empty()) {
    result.max_likelihood_parameters.resize(dim);
    likelihood_.prior().from_unit(state.best_point, result.max_likelihood_parameters);
  }
  result.stopped_by = stopped_by;
  result.counters = state.counters;
  result.sampler_wall_s = state.elapsed_wall_s;

  auto& d = result.diagnostics;
  d["batches"] = state.batches;
  d["shells"] = static_cast<double>(state.shells.size());
  d["bound_attempts"] = state.bound_attempts;
  d["bounds_rejected_not_smaller"] = static_cast<double>(state.bounds_rejected);
  d["bounds_rejected_degenerate"] = static_cast<double>(state.bounds_degenerate);
  d["bounds_not_built_plateau"] = static_cast<double>(state.bounds_not_built);
  d["explored"] = state.explored ? 1.0 : 0.0;
  d["exploration_evals"] = static_cast<double>(state.exploration_evals);
  d["sampling_evals"] = static_cast<double>(state.counters.likelihood_evals - state.exploration_evals);
  d["log_f_live_at_exploration_end"] = state.log_f_live_explored;
  d["n_eff"] = n_eff;
  d["discard_exploration"] = state.discarding() ? 1.0 : 0.0;
  d["transferred_points"] = static_cast<double>(state.transferred_points);
  d["network_epochs"] = static_cast<double>(state.network_epochs);
  d["network_sample_epochs"] = state.network_sample_epochs;
  d["n_update"] = static_cast<double>(settings_.resolved_n_update());
  d["n_like_new_bound"] = static_cast<double>(settings_.resolved_n_like_new_bound());
  d["n_points_min"] = static_cast<double>(settings_.resolved_n_points_min(dim));
  const auto& last = state.bounds.back().nautilus_bound();
  d["last_bound_ellipsoids"] = last ? static_cast<double>(last->n_ellipsoids()) : 0.0;
  d["last_bound_neural_bounds"] = last ? static_cast<double>(last->n_neural_bounds()) : 0.0;
  d["last_bound_networks"] = last ? static_cast<double>(last->n_networks()) : 0.0;
  return result;
}

}  // namespace nslab
