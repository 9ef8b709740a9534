// run_checkpointed (cells/checkpointed_run.hpp) as a cell runs it: saves
// every checkpoint_every iterations, resumes to the uninterrupted result bit
// for bit, refuses another run's or a damaged checkpoint, and leaves the
// checkpoint for the caller to remove.
#include <gtest/gtest.h>

#include <filesystem>

#include "cells/cell_catalog.hpp"
#include "cells/sampler_registry.hpp"
#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "likelihoods/analytic/gaussian.hpp"
#include "samplers/nautilus/nautilus_checkpoint.hpp"
#include "samplers/nautilus/nautilus_sampler.hpp"
#include "support/sampler_results.hpp"

namespace nslab {
namespace {

TEST(CheckpointedRun, TheCellSavesResumesAndLeavesItsCheckpointToTheCaller) {
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
  testing::expect_same_results(whole, resumed);
  EXPECT_EQ(whole.counters.likelihood_calls, resumed.counters.likelihood_calls);
  // The checkpoint outlives the run: the caller removes it once the result is written.
  EXPECT_TRUE(std::filesystem::exists(control.checkpoint_path));

  // A checkpoint of other settings, or a damaged one, is refused.
  BatchEvaluator evaluator(likelihood);
  NautilusSettings other_settings;
  other_settings.seed = 17;
  const NautilusState fresh = NautilusSampler(likelihood, other_settings).initialise(evaluator);
  write_file_atomically(control.checkpoint_path, serialise_nautilus_state(fresh, "other settings"));
  EXPECT_THROW(nautilus.run(likelihood, settings, control), UsageError);
  const std::string bytes = serialise_nautilus_state(fresh, control.fingerprint);
  write_file_atomically(control.checkpoint_path, bytes.substr(0, bytes.size() - 5));
  EXPECT_THROW(nautilus.run(likelihood, settings, control), UsageError);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace nslab
