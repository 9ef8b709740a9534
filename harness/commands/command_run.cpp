// nslab run CELL [--set k=v]... [--out FILE] [--checkpoint FILE] [--resume] [--quiet]
//                [--seeds N [--first-seed S]] [--repeat R]
// Checks every output and locks each before its run, measures with run_cell,
// writes with result_document, and removes each run's checkpoint only once
// its result file is in place. SIGINT, SIGTERM and SIGHUP stop the run at its
// next likelihood call: the last whole step is saved and one line says how to
// resume (docs/exit-status.md).
#include <signal.h>

#include <cstdio>
#include <deque>
#include <filesystem>
#include <iostream>

#include "cells/cell_catalog.hpp"
#include "cells/settings.hpp"
#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/output_lock.hpp"
#include "core/signal_name.hpp"
#include "harness/commands/commands.hpp"
#include "harness/commands/option_checks.hpp"
#include "harness/result_writer.hpp"
#include "harness/run_cell.hpp"
#include "harness/run_naming.hpp"
#include "harness/run_repetitions.hpp"
#include "samplers/common/run_stop.hpp"

namespace nslab {

namespace {
struct RunArguments {
  std::string cell, out, checkpoint, root = "results";
  std::vector<std::string> assignments;
  bool resume = false, quiet = false;
  std::size_t checkpoint_every = 10;
  std::size_t seeds = 0, repeat = 1;
  std::uint64_t first_seed = 0;
  bool first_seed_given = false;
};

void print_summary(const Json& result, const std::string& out) {
  const auto& r = result["results"];
  const auto& p = result["performance"];
  std::cout << result["cell"].get<std::string>() << ": log Z = " << r["log_evidence"].dump() << " +- "
            << r["log_evidence_error"].dump();
  if (r.contains("reference_log_evidence")) std::cout << " (closed form " << r["reference_log_evidence"].dump() << ")";
  std::cout << ", max log L = " << r["max_log_likelihood"].dump() << ", " << p["likelihood_evals"].dump()
            << " evals, " << p["time_per_eval_ms"].get<double>() << " ms/eval, peak "
            << result["memory"]["peak_device_bytes"].dump() << " bytes, stopped by "
            << r["stopped_by"].get<std::string>() << "\n"
            << "wrote " << out << "\n";
}
// The first signal asks the run to stop at its next likelihood call; a
// second one ends nslab at once, as if there were no handler.
void request_stop(int signal) {
  if (g_stop_request.exchange(signal) != 0) {
    ::signal(signal, SIG_DFL);
    ::raise(signal);
  }
}

void stop_at_the_next_call_on_signals() {
  struct sigaction action {};
  action.sa_handler = request_stop;
  action.sa_flags = SA_RESTART;  // reads and writes go on; the run stops at its next call
  sigemptyset(&action.sa_mask);
  for (int signal : {SIGINT, SIGTERM, SIGHUP}) sigaction(signal, &action, nullptr);
}

// The command that continues an interrupted invocation.
std::string resume_command(const RunArguments& args, const std::string& out) {
  std::string command = "nslab run " + args.cell + " --resume --out " + out;
  if (!args.checkpoint.empty()) command += " --checkpoint " + args.checkpoint;
  if (args.checkpoint_every != RunArguments{}.checkpoint_every)
    command += " --checkpoint-every " + std::to_string(args.checkpoint_every);
  if (args.seeds) command += " --seeds " + std::to_string(args.seeds);
  if (args.first_seed_given) command += " --first-seed " + std::to_string(args.first_seed);
  if (args.repeat > 1) command += " --repeat " + std::to_string(args.repeat);
  for (const std::string& assignment : args.assignments) command += " --set " + assignment;
  return command;
}

// Where the run stopped and how to go on; then nslab ends by the signal, so
// that its parent (a shell, nslab sweep, a scheduler) sees how it ended.
int report_interrupted(const RunInterrupted& stop, const RunArguments& args, const std::string& out,
                       const std::string& checkpoint, const CellId& cell) {
  std::string where = stop.iteration == 0 && !stop.saved
                          ? "during the initial population"
                          : "after " + std::string(cell.sampler == "nss" ? "outer step " : "batch ") +
                                std::to_string(stop.iteration);
  where += " (" + std::to_string(stop.likelihood_evals) + " likelihood evaluations)";
  const std::string next =
      stop.saved ? "; " + checkpoint + " holds it. Resume with: " + resume_command(args, out)
      : stop.iteration == 0 ? "; nothing to resume yet: start it again"
                            : "; nothing was saved (--checkpoint-every 0)";
  std::fprintf(stderr, "nslab: stopped by %s %s%s\n", signal_name(stop.signal).c_str(), where.c_str(),
               next.c_str());
  std::fflush(stdout);
  ::signal(stop.signal, SIG_DFL);
  ::raise(stop.signal);
  return 128 + stop.signal;
}
}  // namespace

CommandRunner add_run_command(CLI::App& app) {
  auto* command = app.add_subcommand("run", "Run one cell and write its result file");
  auto args = std::make_shared<RunArguments>();
  command->add_option("cell", args->cell, "cell id, e.g. nss/analytic/gaussian/d5/fp64")->required();
  command->add_option("--set", args->assignments, "override a setting: key=value");
  command->add_option("--out", args->out, "result file (default results/<cell>/<device>_<precision>.json)");
  command->add_option("--results-root", args->root, "folder of the default result path");
  command->add_option("--checkpoint", args->checkpoint, "checkpoint file (default <out>.checkpoint)");
  command->add_flag("--resume", args->resume, "continue from the run's checkpoint if there is one");
  command->add_option("--checkpoint-every", args->checkpoint_every, "outer steps (NSS) or batches (Nautilus) between checkpoints")
      ->check(non_negative_integer());
  command->add_flag("--quiet", args->quiet, "no progress on stderr");
  command->add_option("--seeds", args->seeds, "run N seeds (one file each, ,seed=S in the name)")
      ->check(non_negative_integer());
  command->add_option("--first-seed", args->first_seed, "the first of --seeds (default: the cell's seed)")
      ->check(non_negative_integer())
      ->each([args](const std::string&) { args->first_seed_given = true; });
  command->add_option("--repeat", args->repeat, "run each seed R times (one file each, ,repeat=r in the name)")
      ->check(non_negative_integer());
  return [args] {
    const CellId cell = CellId::parse(args->cell);
    RunOptions options;
    options.overrides = parse_assignments(args->assignments);
    options.quiet = args->quiet;
    options.resume = args->resume;
    options.checkpoint_every = args->checkpoint_every;
    // Validate the settings before any work, so a bad value costs nothing.
    const Settings settings = resolve_settings(cell, options.overrides);
    if (args->repeat < 1) throw UsageError("--repeat must be at least 1");
    if (args->first_seed_given && args->seeds == 0) throw UsageError("--first-seed belongs with --seeds N");
    if ((args->seeds || args->repeat > 1) && !args->checkpoint.empty())
      throw UsageError("--checkpoint names one run's checkpoint: with --seeds or --repeat each run has its own");
    if (args->seeds && options.overrides.count("seed"))
      throw UsageError("--seeds chooses the seeds: use --first-seed instead of --set seed=...");
    const std::string out =
        args->out.empty()
            ? default_result_path(cell, device_info_for_backend(settings.text("backend")).short_name,
                                  args->root)
            : args->out;
    std::vector<std::string> seeds;
    const std::uint64_t first = args->first_seed_given ? args->first_seed : settings.unsigned_integer("seed");
    for (std::size_t i = 0; i < args->seeds; ++i) seeds.push_back(std::to_string(first + i));
    const std::vector<PlannedRun> runs = plan_repeated_runs(out, options.overrides, seeds, args->repeat);
    const auto checkpoint_of = [&](const PlannedRun& planned) {
      return args->checkpoint.empty() ? checkpoint_path_for(planned.path) : args->checkpoint;
    };
    // Every output is checked and locked, and every checkpoint looked at,
    // before any work: a bad --out or a second run on it costs nothing and
    // never loses a checkpoint.
    for (const PlannedRun& planned : runs) {
      check_output_file(planned.path, "--out");
      check_output_file(checkpoint_of(planned), "the checkpoint");
    }
    stop_at_the_next_call_on_signals();
    std::string running_checkpoint;
    try {
      std::deque<OutputLock> locks;  // one run per output at a time, held until all are written
      for (const PlannedRun& planned : runs) {
        locks.emplace_back(planned.path);
        if (!options.resume && std::filesystem::exists(checkpoint_of(planned)))
          throw UsageError(checkpoint_of(planned) + " exists: a run of " + planned.path +
                           " did not finish. Continue it with --resume, or delete the checkpoint to "
                           "start afresh");
      }
      for (const PlannedRun& planned : runs) {
        RunOptions one = options;
        one.overrides = planned.overrides;
        one.checkpoint_path = running_checkpoint = checkpoint_of(planned);
        const Json document = result_document(run_cell(cell, one));
        write_file_atomically(planned.path, document.dump(2) + "\n");
        std::filesystem::remove(one.checkpoint_path);  // only now is the run safe
        print_summary(document, planned.path);
      }
    } catch (const RunInterrupted& stop) {  // the locks are released by now
      return report_interrupted(stop, *args, out, running_checkpoint, cell);
    }
    return 0;
  };
}

}  // namespace nslab
