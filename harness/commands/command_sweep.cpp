// nslab sweep CELLS... [--vary k=v1,v2]... [--set k=v]... [--seeds N] [--repeat R] [--write MANIFEST]
// nslab sweep MANIFEST --local J | --index I | --slurm [--submit] | --status | --table
// A selection of cells and settings becomes a manifest (one run a line);
// the manifest runs here, as one SLURM array task, or as SLURM job arrays.
// docs/sweeps.md.
#include <filesystem>
#include <iostream>

#include "cells/settings.hpp"
#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "harness/commands/commands.hpp"
#include "harness/result_tables.hpp"
#include "harness/sweep_local.hpp"
#include "harness/sweep_manifest.hpp"
#include "harness/sweep_slurm.hpp"
#include "harness/sweep_task.hpp"

namespace nslab {
namespace {

struct SweepArguments {
  std::vector<std::string> targets, vary, set;
  std::size_t seeds = 1, repeat = 1, jobs = 0, index = 0, checkpoint_every = 10;
  std::string results_root = "results", gpu_name, write, out, format = "md";
  bool force = false, submit = false, on_slurm = false, show_status = false, show_table = false;
  SlurmOptions slurm;
};

std::string command_line_of(const SweepArguments& args) {
  std::string line = "nslab sweep";
  for (const auto& target : args.targets) line += " '" + target + "'";
  for (const auto& vary : args.vary) line += " --vary " + vary;
  for (const auto& set : args.set) line += " --set " + set;
  if (args.seeds > 1) line += " --seeds " + std::to_string(args.seeds);
  if (args.repeat > 1) line += " --repeat " + std::to_string(args.repeat);
  if (args.results_root != "results") line += " --results-root " + args.results_root;
  if (!args.gpu_name.empty()) line += " --gpu-name " + args.gpu_name;
  return line;
}

int plan(const SweepArguments& args) {
  SweepSelection selection;
  selection.cell_patterns = args.targets;
  for (const auto& vary : args.vary) selection.vary.push_back(parse_vary(vary));
  selection.fixed = parse_assignments(args.set);
  selection.seeds = args.seeds;
  selection.repeat = args.repeat;
  selection.results_root = args.results_root;
  selection.gpu_name = args.gpu_name;
  const SweepManifest manifest = plan_sweep(selection);
  if (args.write.empty()) {
    std::cout << format_manifest(manifest, ".", command_line_of(args));
    return 0;
  }
  if (std::filesystem::exists(args.write) && !args.force)
    throw UsageError(args.write + " exists; pass --force to replace it (its runs' files are kept either way)");
  const std::string folder = std::filesystem::path(args.write).parent_path().string();
  write_file_atomically(args.write, format_manifest(manifest, folder.empty() ? "." : folder,
                                                    command_line_of(args) + " --write " + args.write));
  std::cout << "wrote " << manifest.runs.size() << " runs to " << args.write << " (then: nslab sweep "
            << args.write << " --local J, or --slurm [--submit])\n";
  return 0;
}

int status(const SweepManifest& manifest) {
  std::vector<std::vector<std::string>> rows;
  std::map<RunState, std::size_t> counts;
  for (const auto& run : manifest.runs) {
    const RunStatus state = run_status(manifest, run);
    ++counts[state.state];
    const std::string settings = settings_text(run.settings);
    rows.push_back({std::to_string(run.id), to_string(state.state), run.cell.str(), settings.empty() ? "-" : settings,
                    state.detail});
  }
  std::vector<std::size_t> width(4, 0);
  for (const auto& row : rows)
    for (std::size_t c = 0; c < width.size(); ++c) width[c] = std::max(width[c], row[c].size());
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t c = 0; c < width.size(); ++c) line += row[c] + std::string(width[c] - row[c].size() + 2, ' ');
    std::cout << line << row[4] << "\n";
  }
  std::cout << manifest.runs.size() << " runs: " << counts[RunState::kDone] << " done, "
            << counts[RunState::kRunning] << " running, " << counts[RunState::kFailed] << " failed, "
            << counts[RunState::kPending] << " pending\n";
  return 0;
}

int table(const SweepManifest& manifest, const SweepArguments& args) {
  if (args.format != "md" && args.format != "csv")
    throw UsageError("--format must be md or csv, not '" + args.format + "'");
  std::vector<std::string> present;
  std::string missing;
  for (const auto& run : manifest.runs) {
    const std::string result = manifest.resolve(run.result_path);
    if (std::filesystem::exists(result)) present.push_back(result);
    else missing += (missing.empty() ? "" : ",") + std::to_string(run.id);
  }
  const std::string text = render_table_document(read_results(present), args.format,
                                                 "nslab sweep " + manifest.path + " --table");
  if (args.out.empty()) std::cout << text;
  else write_file_atomically(args.out, text);
  std::cerr << "sweep: table of " << present.size() << " of " << manifest.runs.size() << " runs"
            << (missing.empty() ? "" : " (no result yet: runs " + missing + ")")
            << (args.out.empty() ? "" : ", written to " + args.out) << "\n";
  return 0;
}

int slurm(const SweepManifest& manifest, const SweepArguments& args) {
  // Checked before anything is written, so a refused submission leaves nothing behind.
  if (args.submit && find_on_path("sbatch").empty())
    throw UsageError("--submit needs sbatch, and there is none on PATH (submit from a SLURM login node, or "
                     "leave out --submit and run the written .submit script there)");
  const SlurmScripts scripts = write_slurm_scripts(manifest, args.slurm);
  for (const auto& array : scripts.arrays) std::cout << "wrote " << array << "\n";
  std::cout << "wrote " << scripts.table << "\nwrote " << scripts.submit << "\n";
  if (!args.submit) {
    std::cout << "submit with: bash " << scripts.submit << "\n";
    return 0;
  }
  return submit_slurm_scripts(scripts);
}

}  // namespace

CommandRunner add_sweep_command(CLI::App& app) {
  auto* command = app.add_subcommand(
      "sweep", "Make a manifest of runs from cells and settings; run it here, as SLURM job arrays, or show its status");
  auto args = std::make_shared<SweepArguments>();
  command->add_option("targets", args->targets, "cell globs or ids (making a manifest), or one MANIFEST");
  command->add_option("--vary", args->vary, "key=v1,v2,...: one run per value (combinations across --vary)");
  command->add_option("--set", args->set, "key=value for every run (of the cells that take it)");
  command->add_option("--seeds", args->seeds, "N seeds per run: seed, seed+1, ... from each cell's seed");
  command->add_option("--repeat", args->repeat, "R repetitions of each run (same seed)");
  command->add_option("--results-root", args->results_root, "folder of the result files (default results)");
  command->add_option("--gpu-name", args->gpu_name, "device part of cuda runs' file names (default: this GPU's, or gpu)");
  command->add_option("--write", args->write, "write the manifest here (default: print it)");
  command->add_flag("--force", args->force, "replace an existing manifest");
  auto* local = command->add_option("--local", args->jobs, "run the manifest here, J runs at once (one per GPU for cuda runs)");
  auto* index = command->add_option("--index", args->index, "run the manifest's run with this id (a SLURM array task)");
  command->add_flag("--slurm", args->on_slurm, "write SLURM job-array scripts for the manifest");
  command->add_flag("--submit", args->submit, "with --slurm: submit them (sbatch)");
  command->add_flag("--status", args->show_status, "list each run: done, running, failed or pending");
  command->add_flag("--table", args->show_table, "the table of the runs that have results");
  command->add_option("--out", args->out, "with --table: write it here (atomically) instead of stdout");
  command->add_option("--format", args->format, "with --table: md or csv");
  command->add_option("--checkpoint-every", args->checkpoint_every, "outer steps / batches between checkpoints");
  command->add_option("--partition", args->slurm.partition, "SLURM partition");
  command->add_option("--account", args->slurm.account, "SLURM account");
  command->add_option("--qos", args->slurm.qos, "SLURM quality of service");
  command->add_option("--time", args->slurm.time, "SLURM time limit per task (default: from earlier results)");
  command->add_option("--default-time", args->slurm.default_time, "time limit for runs with no earlier result");
  command->add_option("--mem", args->slurm.memory, "SLURM memory per task, e.g. 8G (default: from the memory model)");
  command->add_option("--cpus-per-task", args->slurm.cpus_per_task, "CPUs per task (the run's threads)");
  command->add_option("--gpu-type", args->slurm.gpu_type, "GPU type in --gres=gpu:TYPE:1");
  command->add_option("--max-parallel", args->slurm.max_parallel, "at most N tasks of an array at once");
  command->add_option("--sbatch-option", args->slurm.sbatch_options, "another #SBATCH line, e.g. --constraint=a100");
  command->add_option("--cost-from", args->slurm.cost_from, "result folders to estimate run times from (default results)");
  command->add_option("--nslab-binary", args->slurm.nslab_binary, "the nslab the tasks run (default this one)");
  return [=] {
    const int modes = !!local->count() + !!index->count() + args->on_slurm + args->show_status + args->show_table;
    const bool making = modes == 0;
    if (modes > 1) throw UsageError("sweep: choose one of --local, --index, --slurm, --status, --table");
    if (args->submit && !args->on_slurm) throw UsageError("sweep: --submit goes with --slurm");
    if (making) return plan(*args);
    if (!args->vary.empty() || !args->set.empty() || !args->write.empty() || args->seeds != 1 || args->repeat != 1)
      throw UsageError("sweep: --vary, --set, --seeds, --repeat and --write make a manifest; they do not go with "
                       "--local, --index, --slurm, --status or --table");
    if (args->targets.size() != 1)
      throw UsageError("sweep: --local, --index, --slurm, --status and --table take one MANIFEST");
    if (args->checkpoint_every == 0) throw UsageError("sweep: --checkpoint-every must be at least 1");
    const SweepManifest manifest = read_manifest(args->targets.front());
    args->slurm.checkpoint_every = args->checkpoint_every;
    if (args->slurm.cost_from.empty() && std::filesystem::is_directory("results")) args->slurm.cost_from = {"results"};
    if (local->count()) return run_sweep_locally(manifest, args->jobs, args->checkpoint_every);
    if (index->count()) return run_sweep_task(manifest, args->index, args->checkpoint_every);
    if (args->on_slurm) return slurm(manifest, *args);
    if (args->show_status) return status(manifest);
    return table(manifest, *args);
  };
}

}  // namespace nslab
