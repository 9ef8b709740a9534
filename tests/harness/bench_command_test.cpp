// nslab bench: the likelihood matrix (settings x threads x batch sizes) is
// registered and run, with the counters the tables read.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <set>

#include "tests/harness/nslab_process.hpp"

namespace nslab {
namespace {

namespace fs = std::filesystem;

TEST(BenchCommand, RunsEveryThreadAndBatchCombinationWithCounters) {
  const fs::path out = fs::path(NSLAB_BINARY_DIR) / "test-scratch" / "bench_command.json";
  fs::create_directories(out.parent_path());
  ASSERT_EQ(testing::run_nslab({"bench", "--likelihoods", "analytic/gaussian/d2/fp64", "--cells", "none",
                                "--nss-steps", "none", "--threads", "1,2", "--batch-sizes", "1,8",
                                "--vary", "inversion=dense,sparse", "--benchmark_min_time=0.01",
                                "--benchmark_out=" + out.string(), "--benchmark_out_format=json"}),
            0);
  std::ifstream in(out);
  const auto report = nlohmann::json::parse(in);
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

TEST(BenchCommand, AVariationWithoutValuesIsAUsageError) {
  EXPECT_EQ(testing::run_nslab({"bench", "--likelihoods", "analytic/gaussian/d2/fp64", "--vary", "inversion="}), 2);
}

}  // namespace
}  // namespace nslab
