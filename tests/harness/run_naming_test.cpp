// The result-file names of runs that share a cell (harness/run_naming.hpp).
#include <gtest/gtest.h>

#include <set>

#include "core/error.hpp"
#include "harness/run_naming.hpp"

namespace nslab {
namespace {

const std::string kBase = "results/nss/analytic/gaussian/d5/cpu_fp64.json";

TEST(RunNaming, ASingleRunKeepsItsPath) { EXPECT_EQ(run_result_path(kBase, {}), kBase); }

TEST(RunNaming, SettingsInKeyOrderThenTheRepetition) {
  RunVariant variant{{{"seed", "43"}, {"chunk_size", "10"}}, 2};
  EXPECT_EQ(run_result_path(kBase, variant),
            "results/nss/analytic/gaussian/d5/cpu_fp64,chunk_size=10,seed=43,repeat=2.json");
  EXPECT_EQ(run_result_path(kBase, {{}, 3}), "results/nss/analytic/gaussian/d5/cpu_fp64,repeat=3.json");
  EXPECT_EQ(run_result_path(kBase, {{{"termination", "-0.5"}}, 0}),
            "results/nss/analytic/gaussian/d5/cpu_fp64,termination=-0.5.json");
}

TEST(RunNaming, ValuesThatCouldCollideOrLeaveTheFolderAreEncoded) {
  const std::string a = run_result_path(kBase, {{{"dataset", "/data/hst"}}, 0});
  EXPECT_EQ(a, "results/nss/analytic/gaussian/d5/cpu_fp64,dataset=%2Fdata%2Fhst.json");
  // "a,b=c" as one value must not read as two settings.
  const std::string joined = run_result_path(kBase, {{{"x", "a,b=c"}}, 0});
  const std::string split = run_result_path(kBase, {{{"x", "a"}, {"b", "c"}}, 0});
  EXPECT_NE(joined, split);
  std::set<std::string> names;
  for (const std::string value : {"1", "1.0", "%31", "1 ", "1/"})
    names.insert(run_result_path(kBase, {{{"k", value}}, 0}));
  EXPECT_EQ(names.size(), 5u);
}

TEST(RunNaming, RepeatIsNotASettingAndOverlongNamesAreRefused) {
  EXPECT_THROW(run_result_path(kBase, {{{"repeat", "1"}}, 0}), UsageError);
  EXPECT_THROW(run_result_path(kBase, {{{"plugin", std::string(300, 'p')}}, 0}), UsageError);
}

TEST(RunNaming, CompanionFilesSitBesideTheResult) {
  EXPECT_EQ(checkpoint_path_for("a/b.json"), "a/b.json.checkpoint");
  EXPECT_EQ(failure_record_path_for("a/b.json"), "a/b.json.failed");
  EXPECT_EQ(running_marker_path_for("a/b.json"), "a/b.json.running");
  EXPECT_EQ(run_log_path_for("a/b.json"), "a/b.json.log");
}

}  // namespace
}  // namespace nslab
