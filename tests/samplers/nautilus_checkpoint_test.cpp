// Stop a nautilus run, save it, resume it: the result must be the
// uninterrupted run's, bit for bit, from any batch (exploration or sampling).
#include <gtest/gtest.h>

#include <filesystem>

#include "cells/cell_catalog.hpp"
#include "cells/sampler_registry.hpp"
#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "likelihoods/analytic/gaussian.hpp"
#include "samplers/nautilus/nautilus_checkpoint.hpp"
#include "samplers/nautilus/nautilus_sampler.hpp"

namespace nslab {
namespace {

NautilusSettings resumable_settings() {
  NautilusSettings settings;
  settings.n_live = 100;
  settings.n_eff = 300;
  settings.n_batch = 50;
  settings.discard_exploration = true;  // so the run has a sampling phase to stop in
  settings.seed = 17;
  return settings;
}

void expect_same_results(const SamplerResult& a, const SamplerResult& b) {
  EXPECT_EQ(a.log_evidence, b.log_evidence);
  EXPECT_EQ(a.log_evidence_error, b.log_evidence_error);
  EXPECT_EQ(a.max_log_likelihood, b.max_log_likelihood);
  EXPECT_EQ(a.posterior.points, b.posterior.points);
  EXPECT_EQ(a.posterior.weights, b.posterior.weights);
  EXPECT_EQ(a.counters.likelihood_evals, b.counters.likelihood_evals);
  EXPECT_EQ(a.counters.likelihood_calls, b.counters.likelihood_calls);
  EXPECT_EQ(a.diagnostics, b.diagnostics);
  EXPECT_EQ(a.stopped_by, b.stopped_by);
}

TEST(NautilusCheckpoint, ResumingFromAnyBatchGivesTheUninterruptedResult) {
  GaussianLikelihood<double> likelihood(3);
  const NautilusSettings settings = resumable_settings();
  std::map<std::uint32_t, std::string> saved;  // batch -> checkpoint bytes
  bool explored_saved = false;
  const SamplerResult whole = NautilusSampler(likelihood, settings).run(
      [&](const NautilusState& state, const SamplerProgress&) {
        // One checkpoint early in exploration, one with several bounds, one
        // in the sampling phase.
        if (state.batches == 3 || state.batches == 12 || (state.explored && !explored_saved)) {
          saved[state.batches] = serialise_nautilus_state(state, "test");
          explored_saved = explored_saved || state.explored;
        }
      });
  ASSERT_TRUE(explored_saved) << "the run never reached its sampling phase";
  ASSERT_EQ(saved.size(), 3u);
  for (const auto& [batch, bytes] : saved) {
    SCOPED_TRACE("resumed at batch " + std::to_string(batch));
    const NautilusState state = deserialise_nautilus_state(bytes, "test", "memory");
    EXPECT_EQ(serialise_nautilus_state(state, "test"), bytes);  // nothing lost on the way
    expect_same_results(whole, NautilusSampler(likelihood, settings).run({}, &state));
  }
}

TEST(NautilusCheckpoint, TheCellSavesAndResumesAndLeavesItsCheckpointToTheCaller) {
  const CellId cell = CellId::parse("nautilus/analytic/gaussian/d2/fp64");
  const Settings settings = resolve_settings(cell, {{"n_live", "100"}, {"n_eff", "200"}});
  GaussianLikelihood<double> likelihood(2);
  const SamplerKind& nautilus = sampler_kind("nautilus");
  const SamplerResult whole = nautilus.run(likelihood, settings, RunControl{});

  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "nslab-nautilus-checkpoint";
  std::filesystem::remove_all(dir);
  RunControl control;
  control.checkpoint_path = (dir / "run.checkpoint").string();
  control.checkpoint_every = 2;
  control.fingerprint = "cell test";
  struct Interrupted {};
  control.progress = [](const SamplerProgress& progress) {
    if (progress.iteration == 9) throw Interrupted{};  // as if killed after batch 9
  };
  EXPECT_THROW(nautilus.run(likelihood, settings, control), Interrupted);
  ASSERT_TRUE(std::filesystem::exists(control.checkpoint_path));

  control.progress = {};
  control.resume = true;
  const SamplerResult resumed = nautilus.run(likelihood, settings, control);
  EXPECT_EQ(resumed.resumed_at_iteration, 8u);  // the last multiple of checkpoint_every
  expect_same_results(whole, resumed);
  // The checkpoint outlives the run: the caller removes it once the result is written.
  EXPECT_TRUE(std::filesystem::exists(control.checkpoint_path));

  // A checkpoint of other settings, or a damaged one, is refused.
  BatchEvaluator evaluator(likelihood);
  const NautilusState fresh = NautilusSampler(likelihood, resumable_settings()).initialise(evaluator);
  write_file_atomically(control.checkpoint_path, serialise_nautilus_state(fresh, "other settings"));
  EXPECT_THROW(nautilus.run(likelihood, settings, control), UsageError);
  const std::string bytes = serialise_nautilus_state(fresh, control.fingerprint);
  write_file_atomically(control.checkpoint_path, bytes.substr(0, bytes.size() - 5));
  EXPECT_THROW(nautilus.run(likelihood, settings, control), UsageError);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace nslab
