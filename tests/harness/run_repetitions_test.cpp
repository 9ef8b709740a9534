// Repeated runs for compare: file names, order, and identical results for
// repetitions of one seed.
#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "core/atomic_file.hpp"
#include "support/nslab_process.hpp"
#include "harness/run_repetitions.hpp"
#include "support/result_files.hpp"

namespace nslab {
namespace {

namespace fs = std::filesystem;

TEST(RunRepetitions, SeedsAndRepeatsNameOneFileEachInterleaved) {
  const auto runs = plan_repeated_runs("r/cpu_fp64.json", {{"chunk_size", "10"}}, {"1", "2"}, 2);
  ASSERT_EQ(runs.size(), 4u);
  EXPECT_EQ(runs[0].path, "r/cpu_fp64,seed=1,repeat=1.json");
  EXPECT_EQ(runs[1].path, "r/cpu_fp64,seed=2,repeat=1.json");
  EXPECT_EQ(runs[3].path, "r/cpu_fp64,seed=2,repeat=2.json");
  EXPECT_EQ(runs[1].overrides.at("seed"), "2");
  EXPECT_EQ(runs[1].overrides.at("chunk_size"), "10");
  EXPECT_EQ(plan_repeated_runs("r/cpu_fp64.json", {}, {}, 3)[2].path, "r/cpu_fp64,repeat=3.json");
  EXPECT_EQ(plan_repeated_runs("r/cpu_fp64.json", {}, {}, 1)[0].path, "r/cpu_fp64.json");
  EXPECT_EQ(plan_repeated_runs("r/cpu_fp64.json", {}, {"7"}, 1)[0].path, "r/cpu_fp64,seed=7.json");
}

TEST(RunRepetitions, RepeatsOfASeedGiveIdenticalResults) {
  const fs::path dir = nslab::testing::test_scratch_root() / "repetitions";
  fs::remove_all(dir);
  ASSERT_EQ(testing::run_nslab({"run", "nss/analytic/gaussian/d2/fp64", "--quiet", "--repeat", "2", "--seeds", "2",
                                "--first-seed", "5", "--out", (dir / "g.json").string()}),
            0);
  const auto read = [&](const std::string& name) {
    return nlohmann::json::parse(read_file((dir / name).string()));
  };
  const auto a = read("g,seed=5,repeat=1.json"), b = read("g,seed=5,repeat=2.json"), c = read("g,seed=6,repeat=1.json");
  EXPECT_EQ(a["results"], b["results"]);
  EXPECT_EQ(a["config"]["seed"], 5);
  EXPECT_NE(a["results"]["log_evidence"], c["results"]["log_evidence"]);
  EXPECT_TRUE(fs::exists(dir / "g,seed=6,repeat=2.json"));
  EXPECT_EQ(testing::run_nslab({"run", "nss/analytic/gaussian/d2/fp64", "--quiet", "--repeat", "0", "--out",
                                (dir / "x.json").string()}),
            2);
}

}  // namespace
}  // namespace nslab
