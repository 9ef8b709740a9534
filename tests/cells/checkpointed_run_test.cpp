// run_checkpointed (cells/checkpointed_run.hpp) as a cell runs it: saves
// every checkpoint_every iterations, resumes to the uninterrupted result bit
// for bit, refuses another run's or a damaged checkpoint, and leaves the
// checkpoint for the caller to remove. A run stopped twice and resumed twice
// (three "processes", each a fresh run_checkpointed from the checkpoint file)
// counts three processes, and its sampler wall is the sum of the processes'
// walls: the earlier ones' exactly as their last checkpoint held it.
#include "cells/checkpointed_run.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "cells/cell_catalog.hpp"
#include "cells/sampler_registry.hpp"
#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "likelihoods/analytic/gaussian.hpp"
#include "samplers/nautilus/nautilus_checkpoint.hpp"
#include "samplers/nautilus/nautilus_sampler.hpp"
#include "samplers/nss/nss_checkpoint.hpp"
#include "samplers/nss/nss_sampler.hpp"
#include "support/result_files.hpp"
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

struct StopHere {};  // thrown from the progress report: a process that ends there

// Runs `sampler` uninterrupted, then as three processes stopped after
// iterations `first_stop` and `second_stop` (checkpoints every iteration).
template <class Sampler, class Serialise, class Deserialise>
void check_three_processes(const Sampler& sampler, Serialise serialise, Deserialise deserialise,
                           std::size_t first_stop, std::size_t second_stop, const std::string& name) {
  const std::string checkpoint = (testing::scratch_dir(name) / "run.checkpoint").string();
  RunControl control;
  control.checkpoint_path = checkpoint;
  control.checkpoint_every = 1;
  control.fingerprint = "test";

  const SamplerResult whole = run_checkpointed(sampler, RunControl{}, serialise, deserialise);
  EXPECT_EQ(whole.processes, 1u);
  EXPECT_EQ(whole.earlier_processes_sampler_wall_s, 0.0);

  auto stop_after = [&](std::size_t iteration) {
    control.progress = [iteration](const SamplerProgress& progress) {
      if (progress.iteration == iteration) throw StopHere{};
    };
  };
  stop_after(first_stop);
  EXPECT_THROW(run_checkpointed(sampler, control, serialise, deserialise), StopHere);
  EXPECT_EQ(deserialise(read_file(checkpoint), "test", checkpoint).processes, 1u);

  control.resume = true;
  stop_after(second_stop);
  EXPECT_THROW(run_checkpointed(sampler, control, serialise, deserialise), StopHere);
  const auto second = deserialise(read_file(checkpoint), "test", checkpoint);
  EXPECT_EQ(second.iteration(), second_stop);
  EXPECT_EQ(second.processes, 2u);
  EXPECT_GT(second.elapsed_wall_s, 0.0);

  control.progress = {};
  const SamplerResult resumed = run_checkpointed(sampler, control, serialise, deserialise);
  testing::expect_same_results(whole, resumed);
  EXPECT_EQ(whole.counters.likelihood_calls, resumed.counters.likelihood_calls);
  EXPECT_EQ(resumed.processes, 3u);
  EXPECT_EQ(resumed.resumed_at_iteration, second_stop);
  EXPECT_EQ(resumed.earlier_processes_sampler_wall_s, second.elapsed_wall_s);
  EXPECT_GT(resumed.sampler_wall_s, second.elapsed_wall_s);
}

TEST(CheckpointedRun, NssOverThreeProcessesCountsThemAndSumsTheirWalls) {
  GaussianLikelihood<double> likelihood(3);
  NssSettings settings;
  settings.n_live = 100, settings.num_delete = 20, settings.num_inner_steps = 6;
  check_three_processes(NssSampler(likelihood, settings), serialise_nss_state, deserialise_nss_state, 3, 7,
                        "checkpointed-run-nss");
}

TEST(CheckpointedRun, NautilusOverThreeProcessesCountsThemAndSumsTheirWalls) {
  GaussianLikelihood<double> likelihood(3);
  NautilusSettings settings;
  settings.n_live = 100, settings.n_eff = 300, settings.n_batch = 50, settings.seed = 17;
  check_three_processes(NautilusSampler(likelihood, settings), serialise_nautilus_state,
                        deserialise_nautilus_state, 3, 9, "checkpointed-run-nautilus");
}

}  // namespace
}  // namespace nslab
