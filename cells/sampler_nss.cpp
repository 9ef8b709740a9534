// NSS as a cell sampler: its settings, defaults (af.NSS / autolens_profiling)
// and run.
#include "cells/checkpointed_run.hpp"
#include "cells/likelihood_registry.hpp"
#include "cells/sampler_nss.hpp"
#include "cells/sampler_registry.hpp"
#include "core/error.hpp"
#include "samplers/nss/inner_steps_rule.hpp"
#include "samplers/nss/nss_checkpoint.hpp"
#include "samplers/nss/nss_sampler.hpp"

namespace nslab {

NssSettings nss_settings_from(const Settings& settings, std::size_t dim) {
  NssSettings nss;
  nss.n_live = settings.count("n_live");
  nss.num_delete = settings.count("num_delete");
  // auto: the calibrated rule (samplers/nss/inner_steps_rule.hpp); the run
  // records the length it used in diagnostics.num_inner_steps.
  nss.num_inner_steps = settings.text("num_inner_steps") == "auto" ? auto_num_inner_steps(dim)
                                                                   : settings.count("num_inner_steps");
  const std::string& chunk = settings.text("chunk_size");
  if (chunk == "auto")  // run_cell resolves it through the memory model first
    throw UsageError("chunk_size=auto must be resolved before the sampler is built");
  nss.chunk_size = chunk == "none" ? 0 : settings.count("chunk_size");
  if (chunk != "none" && nss.chunk_size < 1)
    throw UsageError("chunk_size must be at least 1 (or none, or auto), got " + chunk);
  nss.termination = settings.real("termination");
  nss.max_steps = static_cast<int>(settings.integer("max_steps"));
  nss.max_shrinkage = static_cast<int>(settings.integer("max_shrinkage"));
  nss.seed = settings.unsigned_integer("seed");
  nss.max_evals = settings.count("max_evals");
  nss.max_wall_s = settings.real("max_wall_s");
  return nss;
}

SamplerKind nss_sampler_kind() {
  SamplerKind kind;
  kind.name = "nss";
  kind.batch_key = "chunk_size";
  kind.largest_useful_batch = [](const Settings& settings) {
    return std::max(settings.count("n_live"), settings.count("num_delete"));
  };
  kind.defaults = [](const CellId& cell, const LikelihoodFamily& family) {
    std::map<std::string, std::string> defaults = {
        {"n_live", family.pixelized ? "150" : "200"},
        {"num_delete", "50"},
        {"num_inner_steps", "5"},
        {"chunk_size", "none"},
        {"termination", "-3"},
        {"max_steps", "10"},
        {"max_shrinkage", "100"},
    };
    // The imaging cells keep af.NSS's 5 (autolens_profiling's setting, whose
    // log Z bias is what compare and calibrate show); the analytic and plugin
    // cells, where evidence accuracy is the point, use the calibrated rule.
    if (cell.dataset == "analytic" || cell.dataset == "plugin") defaults["num_inner_steps"] = "auto";
    return defaults;
  };
  kind.run = [](const Likelihood& likelihood, const Settings& settings, const RunControl& control) {
    return run_checkpointed(NssSampler(likelihood, nss_settings_from(settings, likelihood.dim())), control,
                            serialise_nss_state, deserialise_nss_state);
  };
  return kind;
}

}  // namespace nslab
