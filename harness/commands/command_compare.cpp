// nslab compare BASELINE... --against CANDIDATE... [--match config|cell|problem]
//   [--format md|csv|json] [--out FILE] [--fail-on incorrect,slower,memory] [gates]
// Pairs the runs of two sets of result files and gives verdicts on
// correctness, speed and memory (docs/compare.md). Exit status: 0, or 1 when
// a gate chosen with --fail-on failed; 2 for bad input, with nothing written.
#include <cstdio>
#include <iostream>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "harness/commands/commands.hpp"
#include "harness/compare/compare_report.hpp"

namespace nslab {
namespace {

struct CompareArguments {
  std::vector<std::string> baseline, candidate;
  std::string match = "config", format = "md", out, fail_on;
  std::vector<double> sd_ratio;
  bool allow_unpaired = false, include_unfinished = false;
  CompareGates gates;
};

std::vector<RunRecord> read_side(const std::vector<std::string>& paths, const std::string& side) {
  std::vector<RunRecord> runs = read_run_records(paths);
  if (runs.empty()) {
    std::string joined;
    for (const auto& path : paths) joined += (joined.empty() ? "" : " ") + path;
    throw UsageError("no " + side + " result files in " + joined);
  }
  return runs;
}

void check_gates(CompareArguments& args) {
  CompareGates& g = args.gates;
  if (!args.sd_ratio.empty()) {
    if (args.sd_ratio.size() != 2) throw UsageError("--sd-ratio takes two numbers, LOW,HIGH (e.g. 0.8,1.25)");
    g.sd_ratio_low = args.sd_ratio[0];
    g.sd_ratio_high = args.sd_ratio[1];
  }
  if (!(g.sd_ratio_low > 0 && g.sd_ratio_low <= 1 && g.sd_ratio_high >= 1))
    throw UsageError("--sd-ratio must bracket 1 (0 < LOW <= 1 <= HIGH)");
  if (!(g.alpha > 0 && g.alpha < 1)) throw UsageError("--alpha must lie in (0, 1)");
  if (!(g.log_z_sigma > 0 && g.max_log_l_nats >= 0 && g.mean_shift_sigma >= 0 && g.min_effect >= 0 &&
        g.memory_tolerance >= 0))
    throw UsageError("gate thresholds must be non-negative (and --log-z-sigma positive)");
  if (!(g.same_within >= 0 && g.same_within <= g.min_effect))
    throw UsageError("--same-within must lie between 0 and --min-effect");
}

// A speed gate needs runs enough for the U test to reach alpha on every pair.
void check_speed_gate_is_possible(const CompareReport& report) {
  for (std::size_t i = 0; i < report.verdicts.size(); ++i) {
    const SpeedComparison& s = report.verdicts[i].ms_per_eval;
    const bool too_few = s.baseline_runs < 2 || s.candidate_runs < 2 ||
                         (s.test && s.test->smallest_possible_p > report.gates.alpha);
    if (!too_few) continue;
    const GroupPair& pair = report.pairing.pairs[i];
    throw UsageError("--fail-on slower: " + report.pairing.baseline[pair.baseline].cell + " has " +
                     std::to_string(s.baseline_runs) + " baseline and " + std::to_string(s.candidate_runs) +
                     " candidate runs, too few for the U test at alpha " + std::to_string(report.gates.alpha) +
                     " (5 a side reach p < 0.01; nslab run --repeat 5)");
  }
}

}  // namespace

CommandRunner add_compare_command(CLI::App& app) {
  auto* command = app.add_subcommand("compare", "Verdicts on a candidate set of runs against a baseline set");
  auto args = std::make_shared<CompareArguments>();
  command->add_option("baseline", args->baseline, "baseline result files or folders")->required();
  command->add_option("--against", args->candidate, "candidate result files or folders")->required();
  command->add_option("--match", args->match, "pair runs by config (default), cell or problem");
  command->add_option("--format", args->format, "md (default), csv or json");
  command->add_option("--out", args->out, "write the report here (atomically) instead of stdout");
  command->add_option("--fail-on", args->fail_on, "exit 1 when these gates fail: incorrect,slower,memory");
  command->add_flag("--allow-unpaired", args->allow_unpaired, "compare what pairs and list the rest (else exit 2)");
  command->add_flag("--include-unfinished", args->include_unfinished, "compare runs stopped by max_evals/max_wall_s too");
  command->add_option("--log-z-sigma", args->gates.log_z_sigma, "largest |Δ log Z| in combined σ (3)");
  command->add_option("--max-log-l", args->gates.max_log_l_nats, "largest |Δ max log L| in nats (2)");
  command->add_option("--mean-shift", args->gates.mean_shift_sigma, "largest posterior mean shift in baseline σ (0.2)");
  command->add_option("--sd-ratio", args->sd_ratio, "posterior σ ratio range LOW,HIGH (0.8,1.25)")->delimiter(',');
  command->add_option("--alpha", args->gates.alpha, "U test significance level (0.01)");
  command->add_option("--min-effect", args->gates.min_effect,
                      "smallest speed difference called SLOWER/FASTER, as a fraction (0.5; 0.05 on a quiet machine)");
  command->add_option("--same-within", args->gates.same_within, "largest speed difference called SAME (0.05)");
  command->add_option("--memory-tolerance", args->gates.memory_tolerance, "allowed peak memory growth, as a fraction (0)");
  return [args] {
    if (args->format != "md" && args->format != "csv" && args->format != "json")
      throw UsageError("--format must be md, csv or json, not '" + args->format + "'");
    check_gates(*args);
    const FailOn fail_on = parse_fail_on(args->fail_on);
    const MatchBy match = parse_match_by(args->match);
    Pairing pairing = pair_runs(read_side(args->baseline, "baseline"), read_side(args->candidate, "candidate"),
                                match, args->include_unfinished);
    if (pairing.pairs.empty()) {
      const auto& first = pairing.unpaired.empty() ? std::string("every run was left out (not finished)")
                                                   : pairing.unpaired.front().reason;
      throw UsageError("nothing to compare: no baseline run pairs with a candidate run (" + first + ")");
    }
    if (!pairing.unpaired.empty() && !args->allow_unpaired) {
      const UnpairedGroup& u = pairing.unpaired.front();
      const RunGroup& group = (u.side == "baseline" ? pairing.baseline : pairing.candidate)[u.group];
      throw UsageError(std::to_string(pairing.unpaired.size()) + " run group(s) left unpaired, e.g. " + u.side +
                       " " + group.cell + ": " + u.reason + "; --allow-unpaired compares the " +
                       std::to_string(pairing.pairs.size()) + " pair(s) that match");
    }
    const CompareReport report =
        build_compare_report(args->baseline, args->candidate, std::move(pairing), args->gates);
    if (fail_on.slower) check_speed_gate_is_possible(report);
    const std::string text = args->format == "md"    ? render_compare_markdown(report)
                             : args->format == "csv" ? render_compare_csv(report)
                                                     : compare_report_json(report).dump(2) + "\n";
    if (args->out.empty()) std::cout << text;
    else write_file_atomically(args->out, text);
    const auto failures = failed_gates(report, fail_on);
    for (const auto& line : failures) std::fprintf(stderr, "nslab compare: %s\n", line.c_str());
    return failures.empty() ? 0 : 1;
  };
}

}  // namespace nslab
