#pragma once
// A sampler run under the harness's RunControl, written once for every
// sampler: resume from the checkpoint when asked, save one every
// checkpoint_every iterations and when a signal stops the run, report
// progress after every step. A resumed run counts its processes (the state
// carries the count from checkpoint to checkpoint) and its sampler wall time
// continues from the checkpoint's.
//
// The checkpoint is left in place when the run ends: the caller removes it
// once the result is safely written (command_run.cpp), so a failed write
// still leaves something to resume from.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "cells/sampler_registry.hpp"
#include "core/atomic_file.hpp"
#include "samplers/common/run_loop.hpp"

namespace nslab {

// serialise(state, fingerprint) -> bytes; deserialise(bytes, fingerprint,
// source) -> state, throwing UsageError for a checkpoint of another run.
template <SamplerAlgorithm Algorithm, class Serialise, class Deserialise>
SamplerResult run_checkpointed(const Algorithm& algorithm, const RunControl& control,
                               Serialise serialise, Deserialise deserialise) {
  using State = typename Algorithm::State;
  const std::string& checkpoint = control.checkpoint_path;
  std::optional<State> resumed;
  double earlier_sampler_wall_s = 0.0;
  if (control.resume && !checkpoint.empty() && std::filesystem::exists(checkpoint)) {
    resumed = deserialise(read_file(checkpoint), control.fingerprint, checkpoint);
    // This process joins the run's history; its checkpoints (the one a
    // signal stop saves included) carry the count on.
    ++resumed->processes;
    earlier_sampler_wall_s = resumed->elapsed_wall_s;
  }
  const bool checkpointing = !checkpoint.empty() && control.checkpoint_every > 0;
  const auto save = [&](const State& state) {
    write_file_atomically(checkpoint, serialise(state, control.fingerprint));
  };
  SamplerResult result = run_sampler(
      algorithm,
      [&](const State& state, const SamplerProgress& progress) {
        if (checkpointing && progress.iteration % control.checkpoint_every == 0) save(state);
        if (control.progress) control.progress(progress);
      },
      resumed ? &*resumed : nullptr,
      checkpointing ? std::function<void(const State&)>(save) : std::function<void(const State&)>());
  if (resumed) {
    result.resumed_at_iteration = resumed->iteration();
    result.processes = resumed->processes;
    result.earlier_processes_sampler_wall_s = earlier_sampler_wall_s;
  }
  return result;
}

}  // namespace nslab
