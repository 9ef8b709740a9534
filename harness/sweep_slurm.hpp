#pragma once
// A sweep as SLURM job arrays: one array task per run, one array per kind of
// node a run needs (backend=cpu runs, backend=cuda runs with --gres=gpu),
// time and memory asked for from the runs' expected cost and memory model,
// --requeue because every task resumes its checkpoint, and a last job
// (--dependency=afterany on the arrays) that writes the table. docs/sweeps.md.
#include <cstddef>
#include <string>
#include <vector>

#include "harness/sweep_manifest.hpp"

namespace nslab {

struct SlurmOptions {
  std::string partition, account, qos;
  std::string time;    // --time for every task; "" : from the expected cost
  std::string memory;  // --mem for every task (e.g. 4G); "" : from the memory model
  std::size_t cpus_per_task = 1;
  std::string gpu_type;               // --gres=gpu:<type>:1; "" : gpu:1
  std::size_t max_parallel = 0;       // --array=...%N; 0: no cap
  std::vector<std::string> sbatch_options;  // more #SBATCH lines, e.g. --constraint=a100
  std::vector<std::string> cost_from;       // result folders the expected cost is read from
  std::string default_time = "01:00:00";    // for runs with no earlier result
  std::size_t checkpoint_every = 10;
  std::string nslab_binary;                 // "" : this nslab (it must be visible on the nodes)
};

struct SlurmScripts {
  std::vector<std::string> arrays;  // one sbatch script per group of runs
  std::string table;                // the afterany job
  std::string submit;               // submits them in order (bash)
  std::string table_output;         // where the table job writes the table
};

// Writes the scripts beside the manifest (<stem>.cpu.sbatch, <stem>.cuda.sbatch,
// <stem>.table.sbatch, <stem>.submit) and the log folder <stem>-logs/.
SlurmScripts write_slurm_scripts(const SweepManifest& manifest, const SlurmOptions& options);

// The path of `program` on PATH; "" when it is not there.
std::string find_on_path(const std::string& program);

// Runs the submit script; its exit status.
int submit_slurm_scripts(const SlurmScripts& scripts);

// "0-3,7,9-10" from sorted ids (sbatch --array's syntax).
std::string array_ranges(const std::vector<std::size_t>& sorted_ids);
// "1:05:00" (sbatch --time's [D-]H:MM:SS) from seconds, rounded up to a minute.
std::string slurm_time(double seconds);

}  // namespace nslab
