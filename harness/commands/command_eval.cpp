// nslab eval CELL [--at prior-median|truth|bench:I|v1,v2,...] [--set k=v]... [--json] [--profile N]
#include <chrono>
#include <cmath>
#include <iostream>
#include <sstream>

#include "cells/cell_catalog.hpp"
#include "cells/likelihood_registry.hpp"
#include "core/error.hpp"
#include "core/number_parsing.hpp"
#include "core/phase_profile.hpp"
#include "harness/commands/commands.hpp"
#include "harness/benchmarks.hpp"
#include "harness/commands/option_checks.hpp"
#include "harness/run_cell.hpp"

namespace nslab {

namespace {
struct EvalArguments {
  std::string cell, at = "prior-median";
  std::vector<std::string> assignments;
  bool json = false;
  std::size_t profile = 0;  // evaluations to profile; 0 = no profile
};

// N evaluations at the point on this thread, with the likelihood's phase
// markers on: mean milliseconds per evaluation for each phase, and "other"
// for the time between markers (the arena, argument parsing, small loops).
Json phase_profile(const Likelihood& likelihood, std::span<const double> point, std::size_t repeats) {
  std::vector<double> log_l(1);
  Workspace workspace(likelihood.workspace_allocator());
  likelihood.evaluate(point, log_l, workspace);  // warm-up: reserve the arena, fault the pages in
  reset_phase_profile();
  enable_phase_profile(true);
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < repeats; ++i) likelihood.evaluate(point, log_l, workspace);
  const std::chrono::duration<double> total = std::chrono::steady_clock::now() - start;
  enable_phase_profile(false);
  const auto seconds = phase_seconds();
  Json profile;
  profile["evaluations"] = repeats;
  profile["ms_per_eval"] = 1e3 * total.count() / static_cast<double>(repeats);
  double accounted = 0.0;
  for (std::size_t p = 0; p < kPhaseCount; ++p) {
    if (seconds[p] == 0.0) continue;
    profile["phases_ms"][phase_name(static_cast<Phase>(p))] = 1e3 * seconds[p] / static_cast<double>(repeats);
    accounted += seconds[p];
  }
  profile["phases_ms"]["other"] = 1e3 * (total.count() - accounted) / static_cast<double>(repeats);
  return profile;
}

std::vector<double> point_at(const Likelihood& likelihood, const std::string& at) {
  std::vector<double> point(likelihood.dim());
  if (at == "prior-median") {
    const std::vector<double> half(likelihood.dim(), 0.5);
    likelihood.prior().from_unit(half, point);
    return point;
  }
  if (at == "truth") {
    if (auto truth = likelihood.truth_parameters()) return *truth;
    throw UsageError("--at truth: this likelihood has no known truth (use prior-median or values)");
  }
  if (at.rfind("bench:", 0) == 0) {
    benchmark_point(likelihood, parse_unsigned(at.substr(6), "--at bench:", ""), point);
    return point;
  }
  std::stringstream stream(at);
  std::size_t i = 0;
  for (std::string item; std::getline(stream, item, ',');) {
    if (i >= point.size()) break;
    point[i++] = parse_real(item, "--at value", " ");
    if (!std::isfinite(point[i - 1]))
      throw UsageError("--at value " + item + " is not finite (give a point inside the prior)");
  }
  if (i != point.size() || stream.rdbuf()->in_avail() > 0)
    throw UsageError("--at needs " + std::to_string(point.size()) +
                     " comma-separated values (or prior-median, truth, bench:I)");
  return point;
}
}  // namespace

CommandRunner add_eval_command(CLI::App& app) {
  auto* command = app.add_subcommand("eval", "Evaluate a cell's likelihood at one point");
  auto args = std::make_shared<EvalArguments>();
  command->add_option("cell", args->cell, "cell id")->required();
  command->add_option("--at", args->at, "prior-median, truth, bench:I (the I-th point of nslab bench's batches) or v1,v2,... in parameter order");
  command->add_option("--set", args->assignments, "override a setting: key=value");
  command->add_flag("--json", args->json, "print JSON");
  command->add_option("--profile", args->profile,
                      "also time N evaluations at the point on one thread, per phase (ray tracing, "
                      "blurring, F, NNLS, ...)")
      ->check(non_negative_integer());
  return [args] {
    const CellId cell = CellId::parse(args->cell);
    const Settings settings = resolve_settings(cell, parse_assignments(args->assignments));
    const auto likelihood = make_likelihood(cell, settings);
    const std::vector<double> point = point_at(*likelihood, args->at);
    std::vector<double> log_l(1);
    Workspace workspace(likelihood->workspace_allocator());
    likelihood->evaluate(point, log_l, workspace);
    Json out;
    out["cell"] = cell.str();
    out["parameters"] = Json::object();
    for (std::size_t i = 0; i < point.size(); ++i) out["parameters"][likelihood->parameter_names()[i]] = point[i];
    out["log_likelihood"] = log_l[0];
    out["parts"] = likelihood->evaluation_parts(point);
    out["sizes"] = likelihood->sizes();
    out["bytes_per_replica"] = likelihood->bytes_per_replica();
    if (args->profile > 0) out["profile"] = phase_profile(*likelihood, point, args->profile);
    if (args->json) {
      std::cout << out.dump(2) << "\n";
    } else {
      for (const auto& [key, value] : out.items()) std::cout << key << ": " << value.dump() << "\n";
    }
    return 0;
  };
}

}  // namespace nslab
