// Stop a nautilus run, save it, resume it: the result must be the
// uninterrupted run's, bit for bit, from any batch (exploration or sampling).
// The cell's checkpointed run is tested in tests/cells/checkpointed_run_test.cpp.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "likelihoods/analytic/gaussian.hpp"
#include "samplers/nautilus/nautilus_checkpoint.hpp"
#include "samplers/nautilus/nautilus_sampler.hpp"
#include "support/sampler_results.hpp"

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
    const SamplerResult resumed = NautilusSampler(likelihood, settings).run({}, &state);
    testing::expect_same_results(whole, resumed);
    EXPECT_EQ(whole.counters.likelihood_calls, resumed.counters.likelihood_calls);
  }
}

}  // namespace
}  // namespace nslab
