// Nautilus as a cell sampler: its settings, defaults (af.Nautilus as
// autolens_profiling runs it: n_live 200 / 150 pixelized, n_eff 500,
// n_batch 100; the rest nautilus's own) and run.
#include "cells/checkpointed_run.hpp"
#include "cells/likelihood_registry.hpp"
#include "cells/sampler_registry.hpp"
#include "core/error.hpp"
#include "samplers/nautilus/nautilus_checkpoint.hpp"
#include "samplers/nautilus/nautilus_sampler.hpp"

namespace nslab {
namespace {

// "auto" leaves a setting to nautilus's rule (n_update = n_live,
// n_like_new_bound = 10 n_live).
std::size_t count_or_auto(const Settings& settings, const std::string& key) {
  return settings.text(key) == "auto" ? 0 : settings.count(key);
}

NautilusSettings nautilus_settings_from(const Settings& settings) {
  NautilusSettings nautilus;
  nautilus.n_live = settings.count("n_live");
  if (settings.text("n_batch") == "auto")  // run_cell resolves it through the memory model first
    throw UsageError("n_batch=auto must be resolved before the sampler is built");
  nautilus.n_batch = settings.count("n_batch");
  nautilus.n_update = count_or_auto(settings, "n_update");
  nautilus.n_like_new_bound = count_or_auto(settings, "n_like_new_bound");
  nautilus.n_eff = settings.real("n_eff");
  nautilus.f_live = settings.real("f_live");
  nautilus.n_networks = settings.count("n_networks");
  nautilus.enlarge_per_dim = settings.real("enlarge_per_dim");
  nautilus.split_threshold = settings.real("split_threshold");
  nautilus.discard_exploration = settings.boolean("discard_exploration");
  nautilus.seed = settings.unsigned_integer("seed");
  nautilus.max_evals = settings.count("max_evals");
  nautilus.max_wall_s = settings.real("max_wall_s");
  return nautilus;
}

}  // namespace

SamplerKind nautilus_sampler_kind() {
  SamplerKind kind;
  kind.name = "nautilus";
  kind.batch_key = "n_batch";
  // n_batch=auto: as many as fit, but never more than nautilus's default 100
  // (larger batches change the run, and give the bounds fewer updates).
  kind.largest_useful_batch = [](const Settings&) { return std::size_t{100}; };
  kind.defaults = [](const CellId&, const LikelihoodFamily& family) {
    return std::map<std::string, std::string>{
        {"n_live", family.pixelized ? "150" : "200"},
        {"n_batch", "100"},
        {"n_update", "auto"},
        {"n_like_new_bound", "auto"},
        {"n_eff", "500"},
        {"f_live", "0.01"},
        {"n_networks", "4"},
        {"enlarge_per_dim", "1.1"},
        {"split_threshold", "100"},
        {"discard_exploration", "false"},
    };
  };
  kind.run = [](const Likelihood& likelihood, const Settings& settings, const RunControl& control) {
    return run_checkpointed(NautilusSampler(likelihood, nautilus_settings_from(settings)), control,
                            serialise_nautilus_state, deserialise_nautilus_state);
  };
  return kind;
}

}  // namespace nslab
