#pragma once
// A Nautilus-style batched importance nested sampler (docs/nautilus.md): the
// algorithm of the nautilus-sampler package (J. Lange 2023), in our C++.
//
// Points live in the unit cube and are mapped through the prior only for the
// likelihood call; every call has exactly n_batch points. One batch is
// step(state); run_sampler (samplers/common/run_loop.hpp) loops until N_eff
// reaches its target after exploration, or a budget (max_evals, max_wall_s,
// checked between batches) runs out.
//
// Documented outcomes for awkward likelihoods:
// - -inf (or NaN, treated as -inf) almost everywhere: exploration keeps
//   drawing from the unit cube until enough finite points exist to bound; if
//   the first max(100 n_live, 10 n_batch) values are all -inf, the run fails
//   with a RunError saying so rather than looping forever.
// - a constant likelihood: no bound can ever be built (no point lies below
//   the threshold), so exploration draws from the cube until n_live / N <=
//   f_live and log Z is the constant exactly.
// - bounds that cannot be built from degenerate live points count as
//   rejected; a shell or bound that yields almost no points fails with a
//   RunError instead of hanging.
#include "likelihoods/likelihood.hpp"
#include "samplers/common/batch_evaluator.hpp"
#include "samplers/common/run_loop.hpp"
#include "samplers/common/sampler_result.hpp"
#include "samplers/nautilus/nautilus_settings.hpp"
#include "samplers/nautilus/nautilus_state.hpp"

namespace nslab {

class NautilusSampler final : public SamplerBase<NautilusSampler, NautilusSettings, NautilusState> {
 public:
  using SamplerBase::SamplerBase;

  // The sampler contract (samplers/common/run_loop.hpp). initialise
  // evaluates nothing: the unit cube is the first bound, and its points come
  // in the first batch.
  NautilusState initialise(BatchEvaluator& evaluator) const;
  void step(NautilusState& state, BatchEvaluator& evaluator) const;
  bool finished(const NautilusState& state) const;
  SamplerProgress progress(const NautilusState& state) const;
  SamplerResult finish(const NautilusState& state, const std::string& stopped_by) const;

 private:
  // Draws and evaluates one batch for `shell`; returns how many of the fresh
  // points reach the shell's threshold.
  std::size_t add_samples(NautilusState& state, std::size_t shell, BatchEvaluator& evaluator) const;
  std::size_t sampling_shell(const NautilusState& state) const;
  void evaluate(const std::vector<double>& unit_points, std::vector<double>& log_l,
                BatchEvaluator& evaluator) const;
};

}  // namespace nslab
