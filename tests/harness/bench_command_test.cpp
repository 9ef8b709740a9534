// nslab bench: the likelihood matrix (settings x threads x batch sizes) is
// registered and run, with the counters the tables read.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <set>

#include "cells/cell_catalog.hpp"
#include "cells/cell_id.hpp"
#include "cells/likelihood_registry.hpp"
#include "harness/benchmarks.hpp"
#include "support/nslab_process.hpp"
#include "support/result_files.hpp"

namespace nslab {
namespace {

namespace fs = std::filesystem;

// Runs `nslab bench ARGUMENTS` briefly and returns Google Benchmark's JSON report.
nlohmann::json bench_report(const std::string& name, std::vector<std::string> arguments) {
  const fs::path out = nslab::testing::test_scratch_root() / (name + ".json");
  fs::create_directories(out.parent_path());
  arguments.insert(arguments.begin(), "bench");
  for (const std::string& extra : std::vector<std::string>{
           "--benchmark_min_time=0.01", "--benchmark_out=" + out.string(), "--benchmark_out_format=json"})
    arguments.push_back(extra);
  EXPECT_EQ(testing::run_nslab(arguments), 0);
  std::ifstream in(out);
  return nlohmann::json::parse(in);
}

TEST(BenchCommand, RunsEveryThreadAndBatchCombinationWithCounters) {
  const auto report = bench_report(
      "bench_command", {"--likelihoods", "analytic/gaussian/d2/fp64", "--cells", "none", "--nss-steps",
                        "none", "--threads", "1,2", "--batch-sizes", "1,8", "--vary", "inversion=dense,sparse"});
  std::set<std::string> names;
  for (const auto& run : report["benchmarks"]) {
    names.insert(run["run_name"].get<std::string>());
    EXPECT_GT(run["ms_per_eval"].get<double>(), 0.0);
    EXPECT_GT(run["bytes_per_replica"].get<double>(), 0.0);
  }
  // The gaussian has no `inversion` setting, so that variation is dropped
  // rather than doubling the runs.
  EXPECT_EQ(names, (std::set<std::string>{"likelihood/analytic/gaussian/d2/fp64/threads:1/k:1/real_time",
                                          "likelihood/analytic/gaussian/d2/fp64/threads:1/k:8/real_time",
                                          "likelihood/analytic/gaussian/d2/fp64/threads:2/k:1/real_time",
                                          "likelihood/analytic/gaussian/d2/fp64/threads:2/k:8/real_time"}));
}

TEST(BenchCommand, NssStepBenchmarksTakeTheSelectedBatchSizes) {
  const auto report = bench_report("bench_nss_steps", {"--likelihoods", "none", "--cells", "none", "--nss-steps",
                                                       "analytic/gaussian/d2/fp64", "--batch-sizes", "3,7"});
  std::set<std::string> names;
  for (const auto& run : report["benchmarks"]) {
    names.insert(run["run_name"].get<std::string>());
    // The cell's num_delete (50) chains of at least one evaluation each.
    EXPECT_GE(run["evals_per_step"].get<double>(), 50.0);
  }
  EXPECT_EQ(names, (std::set<std::string>{"nss_step/analytic/gaussian/d2/fp64/k:3",
                                          "nss_step/analytic/gaussian/d2/fp64/k:7"}));
}

TEST(BenchCommand, AVariationWithoutValuesIsAUsageError) {
  EXPECT_EQ(testing::run_nslab({"bench", "--likelihoods", "analytic/gaussian/d2/fp64", "--vary", "inversion="}), 2);
}

// `nslab eval --at bench:I` is the point the benchmark batches evaluate
// (their I-th prior draw), so a profile can be taken where the table is.
TEST(BenchCommand, EvalAtBenchIIsTheBenchmarksIthPoint) {
  const std::string cell = "nss/analytic/gaussian/d5/fp64";
  const auto likelihood = make_likelihood(CellId::parse(cell), resolve_settings(CellId::parse(cell), {}));
  std::vector<double> first(likelihood->dim()), second(likelihood->dim());
  benchmark_point(*likelihood, 0, first);
  benchmark_point(*likelihood, 1, second);
  EXPECT_NE(first, second);
  for (std::size_t i : {0, 1}) {
    const fs::path out = nslab::testing::test_scratch_root() / ("eval-bench-" + std::to_string(i) + ".log");
    const testing::Finished run =
        testing::run_nslab_printing({"eval", cell, "--at", "bench:" + std::to_string(i), "--json"}, out);
    ASSERT_EQ(run.status, 0) << run.output;
    const auto printed = nlohmann::json::parse(run.output.substr(run.output.find('{')))["parameters"];
    ASSERT_EQ(printed.size(), likelihood->dim());
    for (std::size_t d = 0; d < likelihood->dim(); ++d) {
      const std::string& name = likelihood->parameter_names()[d];
      EXPECT_EQ(printed.at(name).get<double>(), (i == 0 ? first : second)[d]) << name;
    }
  }
}

}  // namespace
}  // namespace nslab
