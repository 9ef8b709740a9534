// nslab probe CELL [--budget 80GiB] [--set k=v]... [--json] [--measure]
// The memory model of a cell: bytes per replica, fixed overhead, predicted
// peak over k, and the largest k that fits a budget; --measure runs the
// batch of k prior draws at a few k and prints the measured peak beside the model.
#include <iostream>

#include "cells/cell_catalog.hpp"
#include "cells/likelihood_registry.hpp"
#include "cells/memory_model.hpp"
#include "cells/sampler_registry.hpp"
#include "core/error.hpp"
#include "core/random_stream.hpp"
#include "harness/commands/commands.hpp"
#include "harness/result_tables.hpp"
#include "harness/run_cell.hpp"

namespace nslab {
namespace {
struct ProbeArguments {
  std::string cell, budget;
  std::vector<std::string> assignments;
  bool json = false, measure = false;
};

std::vector<std::size_t> k_values(std::size_t largest_useful) {
  std::vector<std::size_t> values;
  for (std::size_t k : {1, 2, 4, 8, 16, 32, 50, 64, 100, 128, 150, 200, 256, 500, 1000})
    if (k <= largest_useful) values.push_back(k);
  if (values.empty() || values.back() != largest_useful) values.push_back(largest_useful);
  return values;
}
}  // namespace

CommandRunner add_probe_command(CLI::App& app) {
  auto* command = app.add_subcommand("probe", "A cell's memory model and the largest k for a budget");
  auto args = std::make_shared<ProbeArguments>();
  command->add_option("cell", args->cell, "cell id")->required();
  command->add_option("--budget", args->budget, "memory budget, e.g. 80GiB (default: free memory)");
  command->add_option("--set", args->assignments, "override a setting: key=value");
  command->add_flag("--json", args->json, "print JSON");
  command->add_flag("--measure", args->measure, "also measure the peak of one batch of k prior draws, k = 1, 2, 4, 8");
  return [args] {
    const CellId cell = CellId::parse(args->cell);
    const auto overrides = parse_assignments(args->assignments);
    Settings settings = resolve_settings(cell, overrides);
    const SamplerKind& sampler = sampler_kind(cell.sampler);
    const auto likelihood = make_likelihood(cell, settings);
    const MemoryModel model{likelihood->bytes_per_replica(),
                            likelihood->workspace_allocator().meter().current_bytes()};
    const std::size_t available = likelihood->workspace_allocator().available_bytes();
    const std::size_t budget = args->budget.empty() ? available : parse_byte_size(args->budget);
    const std::size_t largest_useful = sampler.largest_useful_batch(settings);
    const std::size_t fits = model.largest_k(budget, largest_useful);
    // A recommendation of k = 0 would be a chunk size `run` refuses.
    if (fits == 0)
      throw UsageError(cell.str() + ": no " + sampler.batch_key + " fits in " +
                       (args->budget.empty() ? "the free memory, " : "--budget " + args->budget + " = ") +
                       format_bytes(double(budget)) + "; one replica needs " +
                       format_bytes(double(model.predicted_peak(1))) + " (fixed overhead " +
                       format_bytes(double(model.fixed_overhead_bytes)) + " + " +
                       format_bytes(double(model.bytes_per_replica)) + " per replica)");

    Json out;
    out["cell"] = cell.str();
    out["backend"] = settings.text("backend");
    out["batch_key"] = sampler.batch_key;
    out["bytes_per_replica"] = model.bytes_per_replica;
    out["fixed_overhead_bytes"] = model.fixed_overhead_bytes;
    out["budget_bytes"] = budget;
    out["budget_source"] = args->budget.empty() ? "available memory of the workspace's memory space" : "--budget";
    out["largest_useful_k"] = largest_useful;
    out["largest_k_in_budget"] = fits;
    out["recommended_k"] = std::min(fits, largest_useful);
    out["predicted_peak_bytes"] = Json::object();
    for (std::size_t k : k_values(largest_useful))
      out["predicted_peak_bytes"][std::to_string(k)] = model.predicted_peak(k);
    if (args->measure) {
      // One batch of k prior draws through the same workspace a run uses:
      // the peak of a run is the peak of its widest batch.
      out["measured"] = Json::array();
      MemoryMeter& meter = likelihood->workspace_allocator().meter();
      for (std::size_t k : {1, 2, 4, 8}) {
        if (k > largest_useful) break;
        std::vector<double> points(k * likelihood->dim()), log_l(k), unit(likelihood->dim());
        for (std::size_t i = 0; i < k; ++i) {
          const RandomStream stream(42, RandomPurpose::kProbePoints, static_cast<std::uint32_t>(i));
          for (std::size_t d = 0; d < unit.size(); ++d) unit[d] = stream.uniform(static_cast<std::uint32_t>(d));
          likelihood->prior().from_unit(unit, std::span<double>(points).subspan(i * unit.size(), unit.size()));
        }
        meter.reset_peak();
        {
          Workspace workspace(likelihood->workspace_allocator());
          likelihood->evaluate(points, log_l, workspace);
        }
        const double peak = static_cast<double>(meter.peak_bytes());
        out["measured"].push_back({{"k", k},
                                   {"peak_tracked_bytes", peak},
                                   {"predicted_peak_bytes", model.predicted_peak(k)},
                                   {"relative_difference", peak / model.predicted_peak(k) - 1.0}});
      }
    }
    if (args->json) {
      std::cout << out.dump(2) << "\n";
      return 0;
    }
    std::cout << cell.str() << " (" << settings.text("backend") << ")\n"
              << "  bytes per replica   " << format_bytes(double(model.bytes_per_replica)) << " ("
              << model.bytes_per_replica << " bytes)\n"
              << "  fixed overhead      " << format_bytes(double(model.fixed_overhead_bytes)) << "\n"
              << "  budget              " << format_bytes(double(budget)) << " ("
              << out["budget_source"].get<std::string>() << ")\n"
              << "  " << sampler.batch_key << "  predicted peak\n";
    for (const auto& [k, bytes] : out["predicted_peak_bytes"].items())
      std::cout << "  " << k << "\t" << format_bytes(bytes.get<double>()) << "\n";
    std::cout << "  largest " << sampler.batch_key << " in budget: " << fits << "; recommended "
              << sampler.batch_key << "=" << out["recommended_k"] << " (at most " << largest_useful
              << " are ever in flight)\n";
    if (args->measure)
      for (const auto& m : out["measured"])
        std::cout << "  measured k=" << m["k"] << ": " << format_bytes(m["peak_tracked_bytes"].get<double>())
                  << " vs predicted " << format_bytes(m["predicted_peak_bytes"].get<double>())
                  << " (" << 100 * m["relative_difference"].get<double>() << "%)\n";
    return 0;
  };
}

}  // namespace nslab
