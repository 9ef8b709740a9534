// nslab run CELL [--set k=v]... [--out FILE] [--checkpoint FILE] [--resume] [--quiet]
// Measures with run_cell, writes with result_document, and removes the
// checkpoint only once the result file is in place.
#include <filesystem>
#include <iostream>

#include "cells/cell_catalog.hpp"
#include "cells/settings.hpp"
#include "core/atomic_file.hpp"
#include "harness/commands/commands.hpp"
#include "harness/result_writer.hpp"
#include "harness/run_cell.hpp"
#include "harness/run_naming.hpp"

namespace nslab {

namespace {
struct RunArguments {
  std::string cell, out, checkpoint, root = "results";
  std::vector<std::string> assignments;
  bool resume = false, quiet = false;
  std::size_t checkpoint_every = 10;
};
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
  command->add_option("--checkpoint-every", args->checkpoint_every, "outer steps (NSS) or batches (Nautilus) between checkpoints");
  command->add_flag("--quiet", args->quiet, "no progress on stderr");
  return [args] {
    const CellId cell = CellId::parse(args->cell);
    RunOptions options;
    options.overrides = parse_assignments(args->assignments);
    options.quiet = args->quiet;
    options.resume = args->resume;
    options.checkpoint_every = args->checkpoint_every;
    // Validate the settings before any work, so a bad value costs nothing.
    const Settings settings = resolve_settings(cell, options.overrides);
    const std::string out =
        args->out.empty()
            ? default_result_path(cell, device_info_for_backend(settings.text("backend")).short_name,
                                  args->root)
            : args->out;
    options.checkpoint_path = args->checkpoint.empty() ? checkpoint_path_for(out) : args->checkpoint;
    const CellRun run = run_cell(cell, options);
    const Json document = result_document(run);
    write_file_atomically(out, document.dump(2) + "\n");
    std::filesystem::remove(options.checkpoint_path);  // only now is the run safe
    const auto& r = document["results"];
    std::cout << cell.str() << ": log Z = " << r["log_evidence"].dump() << " +- "
              << r["log_evidence_error"].dump();
    if (run.model.reference_log_evidence)
      std::cout << " (closed form " << r["reference_log_evidence"].dump() << ")";
    std::cout << ", max log L = " << r["max_log_likelihood"].dump() << ", "
              << run.result.counters.likelihood_evals << " evals, " << run.time_per_eval_ms()
              << " ms/eval, peak " << run.memory.device_peak.bytes << " bytes, stopped by "
              << run.result.stopped_by << "\n"
              << "wrote " << out << "\n";
    return 0;
  };
}

}  // namespace nslab
