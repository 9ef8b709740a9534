#include "samplers/nss/nss_sampler.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/error.hpp"
#include "core/random_stream.hpp"
#include "samplers/nss/chain_scheduler.hpp"
#include "samplers/nss/slice_chain.hpp"

namespace nslab {

NssState NssSampler::initialise(BatchEvaluator& evaluator) const {
  const std::size_t dim = likelihood_.dim(), n = settings_.n_live;
  NssState state;
  state.live.dim = state.dead.dim = dim;
  state.live.positions.resize(n * dim);
  state.live.log_l.resize(n);
  state.live.log_l_birth.assign(n, kNegativeInfinity);
  std::vector<double> unit(dim);
  for (std::size_t i = 0; i < n; ++i) {
    const RandomStream stream(settings_.seed, RandomPurpose::kInitialPoints,
                              static_cast<std::uint32_t>(i));
    for (std::size_t k = 0; k < dim; ++k) unit[k] = stream.uniform(static_cast<std::uint32_t>(k));
    likelihood_.prior().from_unit(unit, state.live.position(i));
  }
  // The first fan-out is n_live wide: chunked like the inner chains.
  const std::size_t k = settings_.in_flight(n);
  for (std::size_t begin = 0; begin < n; begin += k) {
    const std::size_t count = std::min(k, n - begin);
    evaluator.evaluate(std::span<const double>(state.live.positions).subspan(begin * dim, count * dim),
                       std::span<double>(state.live.log_l).subspan(begin, count));
  }
  return state;
}

Eigen::MatrixXd NssSampler::live_covariance_cholesky(const ParticleSet& live) const {
  const Eigen::Index dim = static_cast<Eigen::Index>(live.dim);
  const Eigen::Index n = static_cast<Eigen::Index>(live.size());
  const Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>
      positions(live.positions.data(), n, dim);
  const Eigen::RowVectorXd mean = positions.colwise().mean();
  const Eigen::MatrixXd centred = positions.rowwise() - mean;
  const Eigen::MatrixXd covariance = centred.transpose() * centred / static_cast<double>(n);
  Eigen::LLT<Eigen::MatrixXd> cholesky(covariance);
  if (cholesky.info() == Eigen::Success) return cholesky.matrixL();
  // Documented fallback for a singular live covariance (live points on a
  // lower-dimensional set): axis-aligned directions from the variances, with
  // a floor so a collapsed coordinate still gets a finite step.
  Eigen::VectorXd scale = covariance.diagonal().cwiseMax(0.0).cwiseSqrt();
  const double floor = std::max(scale.maxCoeff() * 1e-6, 1e-12);
  return scale.cwiseMax(floor).asDiagonal();
}

void NssSampler::step(NssState& state, BatchEvaluator& evaluator) const {
  const std::size_t n = settings_.n_live, m = settings_.num_delete;
  ParticleSet& live = state.live;

  // 1. Delete the num_delete lowest (ties: lower index first).
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return live.log_l[a] < live.log_l[b]; });
  const std::vector<std::size_t> deleted(order.begin(), order.begin() + m);
  const double threshold = live.log_l[deleted.back()];

  // 2. Start points, uniformly with replacement among log L > L0.
  std::vector<std::size_t> qualifying;
  for (std::size_t i = 0; i < n; ++i)
    if (live.log_l[i] > threshold) qualifying.push_back(i);
  if (qualifying.empty()) {  // a plateau: every particle is at or below L0
    qualifying.resize(n);
    std::iota(qualifying.begin(), qualifying.end(), 0);
  }
  const RandomStream start_stream(settings_.seed, RandomPurpose::kStartPoint, state.outer_step);

  // 3. Inner chains, at most chunk_size evaluations in flight.
  SliceStepContext context;
  context.prior = &likelihood_.prior();
  context.cholesky_lower = live_covariance_cholesky(live);
  context.threshold = threshold;
  context.seed = settings_.seed;
  context.outer_step = state.outer_step;
  context.num_inner_steps = static_cast<int>(settings_.num_inner_steps);
  context.max_steps = settings_.max_steps;
  context.max_shrinkage = settings_.max_shrinkage;
  std::vector<SliceChain> chains;
  chains.reserve(m);
  for (std::size_t slot = 0; slot < m; ++slot) {
    const std::size_t start =
        qualifying[start_stream.below(static_cast<std::uint32_t>(slot), qualifying.size())];
    chains.emplace_back(context, static_cast<std::uint32_t>(slot), live.position(start),
                        live.log_l[start]);
  }
  run_chains(chains, settings_.in_flight(m), evaluator);

  // 4. The dead leave (in ascending log L) and the new particles take their
  //    slots, all born at L0 even if their chain never moved.
  std::vector<double> dead_log_l;
  for (std::size_t index : deleted) {
    state.dead.push_back(live.position(index), live.log_l[index], live.log_l_birth[index]);
    dead_log_l.push_back(live.log_l[index]);
  }
  for (std::size_t slot = 0; slot < m; ++slot) {
    const std::size_t index = deleted[slot];
    const auto position = chains[slot].position();
    std::copy(position.begin(), position.end(), live.position(index).begin());
    live.log_l[index] = chains[slot].log_l();
    live.log_l_birth[index] = threshold;
    state.slice_probes += chains[slot].probes();
  }

  // 5. The running integrator.
  state.evidence.add_deaths(dead_log_l, n);
  state.outer_step += 1;
}

bool NssSampler::finished(const NssState& state) const {
  return state.outer_step > 0 &&
         state.evidence.log_z_live(state.live.log_l) - state.evidence.log_z < settings_.termination;
}

SamplerProgress NssSampler::progress(const NssState& state) const {
  return {state.outer_step,
          state.counters.likelihood_evals,
          state.evidence.log_z,
          state.evidence.log_z_live(state.live.log_l) - state.evidence.log_z,
          state.elapsed_wall_s,
          state.counters.likelihood_wall_s};
}

SamplerResult NssSampler::finish(const NssState& state, const std::string& stopped_by) const {
  ParticleSet all = state.dead;
  for (std::size_t i = 0; i < state.live.size(); ++i)
    all.push_back(state.live.position(i), state.live.log_l[i], state.live.log_l_birth[i]);
  const FinalEvidence evidence = final_evidence(all, settings_.seed, settings_.evidence_samples);

  SamplerResult result;
  result.log_evidence = evidence.log_evidence;
  result.log_evidence_error = evidence.log_evidence_error;
  result.log_evidence_error_method =
      "standard deviation over " + std::to_string(settings_.evidence_samples) +
      " sampled shrinkage sequences (anesthetic-style)";
  const auto best = std::max_element(all.log_l.begin(), all.log_l.end()) - all.log_l.begin();
  result.max_log_likelihood = all.log_l[best];
  const auto best_position = all.position(best);
  result.max_likelihood_parameters.assign(best_position.begin(), best_position.end());
  result.posterior.dim = all.dim;
  result.posterior.points = all.positions;
  result.posterior.log_l = all.log_l;
  result.posterior.weights = evidence.weights;
  result.summary = summarise_posterior(result.posterior);
  result.stopped_by = stopped_by;
  result.counters = state.counters;
  result.sampler_wall_s = state.elapsed_wall_s;
  result.diagnostics["outer_steps"] = state.outer_step;
  result.diagnostics["num_inner_steps"] = static_cast<double>(settings_.num_inner_steps);
  result.diagnostics["slice_probes"] = static_cast<double>(state.slice_probes);
  result.diagnostics["dead_points"] = static_cast<double>(state.dead.size());
  result.diagnostics["running_log_z"] = state.evidence.log_z;
  return result;
}

}  // namespace nslab
