// The CI memory-regression gate (label `memory`): for every likelihood family
// at its smallest size, measure the tracked peak of short NSS and Nautilus
// runs at k = 1, 2, 4; fail if the per-replica cost exceeds the committed
// budget by more than 5%, if the peak stops scaling linearly with k, or if a
// likelihood declares memory it does not use. Prints the table it checked.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "cells/cell_catalog.hpp"
#include "cells/likelihood_registry.hpp"
#include "cells/sampler_registry.hpp"
#include "core/atomic_file.hpp"
#include "harness/run_cell.hpp"

namespace nslab {
namespace {

using nlohmann::json;

const char* kBudgetFile = NSLAB_SOURCE_DIR "/tests/memory/budgets.json";
constexpr double kTolerance = 0.05;

std::string smallest_instrument(const LikelihoodFamily& family) {
  for (const auto& instrument : family.instruments)
    if (instrument == "ci") return instrument;
  return family.instruments.front();
}

// Settings that keep a gate run short: a small live set, and a budget of
// evaluations that ends it soon after the first full-width batch.
std::map<std::string, std::string> short_run(const SamplerKind& sampler, std::size_t k) {
  std::map<std::string, std::string> overrides = {{sampler.batch_key, std::to_string(k)},
                                                  {"max_evals", "1"}, {"threads", "2"}};
  if (sampler.name == "nss") {
    overrides["max_evals"] = "16";  // the initial population, in batches of k
    overrides["n_live"] = "16";
    overrides["num_delete"] = "8";
    overrides["num_inner_steps"] = "1";
  }
  return overrides;
}

struct GateRow {
  std::string cell;
  double budget = 0, measured = 0, peak_1 = 0, peak_2 = 0, peak_4 = 0;
};

TEST(MemoryGate, PerReplicaPeaksStayWithinBudgetAndScaleWithK) {
  const json budgets = json::parse(read_file(kBudgetFile));
  std::vector<GateRow> rows;
  for (const auto& family : likelihood_families()) {
    const std::string instrument = smallest_instrument(family);
    // Pixelized families are gated in both formulations: their per-replica
    // memory differs by design (dense forms M and B, sparse never forms B).
    std::vector<std::string> inversions = {""};
    if (family.defaults.count("inversion") && family.pixelized) inversions = {"dense", "sparse"};
    for (const std::string& inversion : inversions) {
      std::map<std::string, std::string> variant;
      if (!inversion.empty()) variant["inversion"] = inversion;
      const std::string key =
          family.name + "/" + instrument + "/fp64" + (inversion.empty() ? "" : "/" + inversion);
      const auto slash = family.name.find('/');
      // Direct check: an evaluation really takes the bytes it declares.
      {
        const CellId probe{"nss", family.name.substr(0, slash), family.name.substr(slash + 1),
                           instrument, Precision::kFp64};
        const auto likelihood = family.make(probe, resolve_settings(probe, variant));
        std::vector<double> point(likelihood->dim()), half(likelihood->dim(), 0.5), log_l(1);
        likelihood->prior().from_unit(half, point);
        Workspace workspace(likelihood->workspace_allocator());
        likelihood->evaluate(point, log_l, workspace);
        if (const auto* pointwise = dynamic_cast<const PointwiseLikelihood*>(likelihood.get()))
          EXPECT_EQ(pointwise->scratch_high_water_bytes(), likelihood->bytes_per_replica())
              << key << " declares memory it does not use";
      }
      if (!budgets.contains(key)) {
        ADD_FAILURE() << "no memory budget for " << key << " in " << kBudgetFile
                      << ": add its bytes_per_replica there";
        continue;
      }
      const double budget = budgets[key]["bytes_per_replica"].get<double>();
      for (const auto& sampler : sampler_kinds()) {
        const CellId cell{sampler.name, family.name.substr(0, slash), family.name.substr(slash + 1),
                          instrument, Precision::kFp64};
        GateRow row{cell.str() + (inversion.empty() ? "" : " " + inversion), budget};
        double* peaks[] = {&row.peak_1, &row.peak_2, &row.peak_4};
        std::size_t k = 1;
        for (double* peak : peaks) {
          RunOptions options;
          options.overrides = short_run(sampler, k);
          for (const auto& [name, value] : variant) options.overrides[name] = value;
          const CellRun run = run_cell(cell, options);
          *peak = static_cast<double>(run.memory.peak_tracked_bytes) -
                  static_cast<double>(run.memory.model.fixed_overhead_bytes);
          EXPECT_EQ(run.result.counters.largest_batch, k) << row.cell;
          k *= 2;
        }
        row.measured = row.peak_2 - row.peak_1;
        EXPECT_LE(row.measured, (1 + kTolerance) * budget)
            << row.cell << ": " << row.measured << " bytes per replica, budget " << budget;
        EXPECT_NEAR(row.peak_4 - row.peak_2, 2 * row.measured, kTolerance * row.measured + 1)
            << row.cell << ": peak does not scale linearly with " << sampler.batch_key;
        EXPECT_NEAR(row.peak_1, row.measured, kTolerance * row.measured + 1)
            << row.cell << ": peak at k=1 has a per-run overhead beyond the fixed data";
        rows.push_back(row);
      }
    }
  }
  std::printf("\n%-52s %14s %14s %14s %14s %14s\n", "cell", "budget/replica", "measured", "peak k=1",
              "peak k=2", "peak k=4");
  for (const auto& row : rows)
    std::printf("%-52s %14.0f %14.0f %14.0f %14.0f %14.0f\n", row.cell.c_str(), row.budget,
                row.measured, row.peak_1, row.peak_2, row.peak_4);
}

}  // namespace
}  // namespace nslab
