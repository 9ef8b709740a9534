#pragma once
// Running a sweep on this machine: `--local J` keeps J runs going at once
// (a backend=cuda run also takes one GPU of its own, through
// CUDA_VISIBLE_DEVICES), skips runs whose result exists and resumes those
// with a checkpoint; `--index I` runs one (a SLURM array task).
#include <cstddef>
#include <string>
#include <vector>

#include "harness/sweep_manifest.hpp"

namespace nslab {

// The GPUs runs may be given, one each: CUDA_VISIBLE_DEVICES's entries when it
// is set, otherwise 0 .. (CUDA devices of this machine) - 1.
std::vector<std::string> visible_gpus();

// Returns the exit status: 0 when every run has its result, 1 when one
// failed, 128 + signal when the sweep was stopped. Refuses (UsageError)
// before starting anything when cuda runs have no GPU to go to.
int run_sweep_locally(const SweepManifest& manifest, std::size_t jobs, std::size_t checkpoint_every);

// The run with this id; its exit status (0 when its result already exists).
int run_sweep_task(const SweepManifest& manifest, std::size_t id, std::size_t checkpoint_every);

}  // namespace nslab
