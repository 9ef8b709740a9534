// nslab calibrate CELL --seeds N [--first-seed S] [--set k=v]... [--runs DIR]
//                 [--reference VALUE|FILES...] [--out DIR]
// nslab calibrate --from FILES... [--reference ...] [--out DIR]
// Runs a cell over N seeds (one result file per seed, kept, so a calibration
// resumes where it stopped and a killed run resumes from its checkpoint), or
// reads runs already made, then judges the evidence: bias against the closed
// form or a reference, scatter against the reported errors (docs/compare.md).
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "cells/cell_catalog.hpp"
#include "cells/likelihood_registry.hpp"
#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "harness/calibrate/calibration.hpp"
#include "harness/commands/commands.hpp"
#include "harness/result_writer.hpp"
#include "harness/run_cell.hpp"
#include "harness/run_completion.hpp"
#include "harness/run_naming.hpp"

namespace nslab {
namespace {

struct CalibrateArguments {
  std::string cell, runs_root = "results/calibration", out;
  std::vector<std::string> assignments, from, reference;
  std::size_t seeds = 0;
  std::uint64_t first_seed = 1;
  double reference_error = 0;
  bool quiet = false;
  CalibrationGates gates;
};

RunGroup one_configuration(const std::vector<std::string>& paths, const std::string& what) {
  std::vector<RunRecord> runs;
  for (auto& run : read_run_records(paths))
    if (finished(run.row)) runs.push_back(std::move(run));
  std::vector<RunGroup> groups = group_by_configuration(std::move(runs));
  if (groups.empty()) throw UsageError(what + ": no finished result files");
  if (groups.size() > 1)
    throw UsageError(what + " holds " + std::to_string(groups.size()) + " configurations (" + groups[0].cell +
                     " and " + groups[1].cell + (groups[0].cell == groups[1].cell ? " with other settings" : "") +
                     "); give the files of one");
  return std::move(groups.front());
}

std::optional<double> as_number(const std::string& text) {
  try {
    std::size_t used = 0;
    const double value = std::stod(text, &used);
    if (used == text.size()) return value;
  } catch (const std::logic_error&) {
  }
  return std::nullopt;
}

// Resolved before any run, so a missing reference costs nothing.
std::optional<EvidenceReference> given_reference(const CalibrateArguments& args) {
  if (args.reference.empty()) return std::nullopt;
  if (args.reference.size() == 1)
    if (const auto value = as_number(args.reference.front()))
      return EvidenceReference{*value, args.reference_error, "given value"};
  return reference_from_runs(one_configuration(args.reference, "--reference"));
}

// Runs (or reuses) one file per seed; returns their paths.
std::vector<std::string> run_seeds(const CalibrateArguments& args, const CellId& cell,
                                   const std::map<std::string, std::string>& overrides) {
  const Settings settings = resolve_settings(cell, overrides);  // validates before any work
  const std::string base = default_result_path(
      cell, device_info_for_backend(settings.text("backend")).short_name, args.runs_root);
  std::vector<std::string> paths;
  for (std::size_t i = 0; i < args.seeds; ++i) {
    const std::string seed = std::to_string(args.first_seed + i);
    std::map<std::string, std::string> run_overrides = overrides;
    run_overrides["seed"] = seed;
    RunVariant variant{overrides, 0};
    variant.settings.erase("threads");  // threads change timings only: one file per seed either way
    variant.settings["seed"] = seed;
    const std::string path = run_result_path(base, variant);
    paths.push_back(path);
    if (std::filesystem::exists(path)) {
      if (!args.quiet) std::fprintf(stderr, "seed %s: reusing %s\n", seed.c_str(), path.c_str());
      continue;
    }
    RunOptions options;
    options.overrides = run_overrides;
    options.quiet = args.quiet;
    options.resume = true;  // a run killed part-way continues from its checkpoint
    options.checkpoint_path = checkpoint_path_for(path);
    const auto start = std::chrono::steady_clock::now();
    const Json result = result_document(run_cell(cell, options));
    write_file_atomically(path, result.dump(2) + "\n");
    std::filesystem::remove(options.checkpoint_path);  // only now is the run safe
    if (!args.quiet)
      std::fprintf(stderr, "seed %s (%zu/%zu): log Z %s ± %s, %s evals, %.1f s -> %s\n", seed.c_str(), i + 1,
                   args.seeds, result["results"]["log_evidence"].dump().c_str(),
                   result["results"]["log_evidence_error"].dump().c_str(),
                   result["performance"]["likelihood_evals"].dump().c_str(),
                   std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), path.c_str());
  }
  return paths;
}

}  // namespace

CommandRunner add_calibrate_command(CLI::App& app) {
  auto* command = app.add_subcommand("calibrate", "Bias and error calibration of log Z over many seeds");
  auto args = std::make_shared<CalibrateArguments>();
  command->add_option("cell", args->cell, "cell id to run, e.g. nss/analytic/gaussian/d10/fp64");
  command->add_option("--seeds", args->seeds, "how many seeds to run");
  command->add_option("--first-seed", args->first_seed, "the first seed (default 1)");
  command->add_option("--set", args->assignments, "override a setting: key=value");
  command->add_option("--runs", args->runs_root, "folder of the per-seed result files (default results/calibration)");
  command->add_option("--from", args->from, "calibrate these result files instead of running");
  command->add_option("--reference", args->reference,
                      "reference log Z: a number, or result files whose mean log Z is the reference "
                      "(default: the closed form)");
  command->add_option("--reference-error", args->reference_error, "the error of a numeric --reference");
  command->add_option("--out", args->out, "folder for calibration.md, calibration.json and pulls.svg");
  command->add_option("--bias-sigma", args->gates.bias_sigma, "largest |bias| in its standard errors (3)");
  command->add_flag("--quiet", args->quiet, "no progress on stderr");
  return [args] {
    if (args->from.empty() == args->cell.empty())
      throw UsageError("give a CELL to run (with --seeds N) or --from result files, not both or neither");
    if (!args->cell.empty() && args->seeds < 1) throw UsageError("--seeds N: how many seeds to run (at least 1)");
    if (!args->from.empty() && (args->seeds || !args->assignments.empty()))
      throw UsageError("--from reads runs already made: --seeds and --set belong to a CELL run");
    if (!(args->gates.bias_sigma > 0) || !(args->reference_error >= 0))
      throw UsageError("--bias-sigma must be positive and --reference-error non-negative");
    std::optional<EvidenceReference> reference = given_reference(*args);
    std::vector<std::string> paths = args->from;
    if (!args->cell.empty()) {
      const CellId cell = CellId::parse(args->cell);
      const auto overrides = parse_assignments(args->assignments);
      if (overrides.count("seed")) throw UsageError("--set seed=...: calibrate chooses the seeds (--first-seed)");
      if (!reference) {
        const Settings settings = resolve_settings(cell, overrides);
        if (const auto closed = likelihood_family(cell.family()).make(cell, settings)->reference_log_evidence())
          reference = EvidenceReference{*closed, 0.0, "closed form"};
        else
          throw UsageError(cell.str() + " has no closed-form log Z: give --reference VALUE or reference result files");
      }
      paths = run_seeds(*args, cell, overrides);
    }
    const RunGroup runs = one_configuration(paths, args->from.empty() ? "the runs" : "--from");
    if (!reference) reference = closed_form_reference(runs);
    if (!reference) throw UsageError(runs.cell + ": the runs record no closed form: give --reference");
    const Calibration calibration = calibrate_evidence(runs, *reference, args->gates);
    const std::string markdown = render_calibration_markdown(calibration, args->gates);
    std::cout << markdown;
    if (!args->out.empty()) {
      write_file_atomically(args->out + "/calibration.md", markdown);
      write_file_atomically(args->out + "/calibration.json", calibration_json(calibration, args->gates).dump(2) + "\n");
      write_file_atomically(args->out + "/pulls.svg", render_pull_histogram_svg(calibration));
      std::cout << "wrote " << args->out << "/calibration.md, calibration.json, pulls.svg\n";
    }
    return 0;
  };
}

}  // namespace nslab
