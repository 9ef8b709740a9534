#pragma once
// The samplers a cell can name, each with its settings (defaults per cell)
// and how to run it on a likelihood.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "cells/cell_id.hpp"
#include "cells/settings.hpp"
#include "likelihoods/likelihood.hpp"
#include "samplers/common/run_loop.hpp"
#include "samplers/common/sampler_result.hpp"

namespace nslab {

// What the harness hands a sampler besides the likelihood and settings.
struct RunControl {
  std::function<void(const SamplerProgress&)> progress;
  // Empty: no checkpoints. The run leaves its checkpoint in place; whoever
  // writes the result removes it after the write.
  std::string checkpoint_path;
  std::size_t checkpoint_every = 0; // outer steps / batches between saves
  bool resume = false;              // continue from checkpoint_path if it exists
  // Identifies the build and settings a checkpoint belongs to; a checkpoint
  // with another fingerprint is refused.
  std::string fingerprint;
};

struct SamplerKind {
  std::string name;
  // Every setting the sampler takes, with the cell's default (the batch knob
  // may default to "auto" where the memory model resolves it).
  std::function<std::map<std::string, std::string>(const CellId&, const struct LikelihoodFamily&)>
      defaults;
  std::function<SamplerResult(const Likelihood&, const Settings&, const RunControl&)> run;
  // The settings key that bounds the batch size (chunk_size / n_batch).
  std::string batch_key;
  // The most points ever in flight at once under these settings (NSS: the
  // wider of the n_live initial fan-out and num_delete chains; Nautilus: the
  // largest n_batch worth asking for): the cap of batch_key=auto, and the k
  // of the predicted peak when the batch setting is unset. Every sampler
  // sets it.
  std::function<std::size_t(const Settings&)> largest_useful_batch;
};

const std::vector<SamplerKind>& sampler_kinds();
// Throws UsageError listing the samplers when `name` is not one.
const SamplerKind& sampler_kind(const std::string& name);
bool is_sampler_kind(const std::string& name);

SamplerKind nss_sampler_kind();
SamplerKind nautilus_sampler_kind();

}  // namespace nslab
