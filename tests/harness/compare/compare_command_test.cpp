// `nslab compare` as a user runs it: the verdicts on the committed euclid MGE
// runs, exit statuses of --fail-on, and bad input refused with exit 2 and
// nothing written.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/atomic_file.hpp"
#include "harness/compare/result_fixtures.hpp"
#include "support/nslab_process.hpp"
#include "support/result_files.hpp"

namespace nslab {
namespace {

namespace fs = std::filesystem;
using testing::FakeRun;
using testing::write_fake;

const fs::path kEuclid = fs::path(NSLAB_SOURCE_DIR) / "results/peers/imaging/mge/euclid";

nlohmann::json compare_json(const std::vector<std::string>& arguments, int expected_status = 0) {
  const fs::path dir = nslab::testing::test_scratch_root();
  fs::create_directories(dir);
  const std::string out = (dir / "compare.json").string();
  fs::remove(out);
  std::vector<std::string> command = {"compare"};
  command.insert(command.end(), arguments.begin(), arguments.end());
  for (const char* extra : {"--format", "json", "--out"}) command.push_back(extra);
  command.push_back(out);
  EXPECT_EQ(testing::run_nslab(command), expected_status);
  return nlohmann::json::parse(read_file(out));
}

TEST(CompareCommand, EuclidMgeNautilusAgreesWithAfNautilusAndNssIsFlagged) {
  const nlohmann::json report =
      compare_json({(kEuclid / "af-nautilus-seed1.json").string(), "--against",
                    (kEuclid / "nslab-nautilus-seed1.json").string(), (kEuclid / "nslab-nss-seed1.json").string(),
                    "--match", "problem"});
  ASSERT_EQ(report["pairs"].size(), 2u);
  const auto& nautilus = report["pairs"][0];
  EXPECT_EQ(nautilus["candidate"]["cell"], "nautilus/imaging/mge/euclid/fp64");
  EXPECT_EQ(nautilus["correctness"]["verdict"], "correct");
  EXPECT_NEAR(nautilus["correctness"]["delta_log_evidence_sigma"].get<double>(), 1.0, 0.05);
  const auto& nss = report["pairs"][1];
  EXPECT_EQ(nss["candidate"]["cell"], "nss/imaging/mge/euclid/fp64");
  EXPECT_EQ(nss["correctness"]["verdict"], "INCORRECT (log Z)");
  EXPECT_GT(nss["correctness"]["delta_log_evidence_sigma"].get<double>(), 10);
  EXPECT_EQ(nss["performance"]["verdict"], "UNSURE");  // one run a side
}

TEST(CompareCommand, FailOnIncorrectExitsOneAndStillWritesTheReport) {
  compare_json({(kEuclid / "nslab-nautilus-seed1.json").string(), "--against",
                (kEuclid / "nslab-nss-seed1.json").string(), "--match", "problem", "--fail-on", "incorrect"},
               1);
  compare_json({(kEuclid / "af-nautilus-seed1.json").string(), "--against",
                (kEuclid / "nslab-nautilus-seed1.json").string(), "--match", "problem", "--fail-on", "incorrect"},
               0);
}

TEST(CompareCommand, ADeliberatelySlowedLikelihoodIsSlowerWithPBelowOnePercent) {
  // The example plugin and its build that sleeps 20 us per point (about 17x
  // the ms/eval here): five runs a side, the fewest with which p < 0.01 is possible.
  const fs::path dir = testing::scratch_dir("compare-slowed");
  const std::string plugins = std::string(NSLAB_BINARY_DIR) + "/plugins/";
  for (const std::string build : {"example", "slow_example"})
    ASSERT_EQ(testing::run_nslab({"run", "nss/plugin/example/-/fp64", "--quiet", "--repeat", "5", "--set", "threads=1",
                                  "--set", "plugin=" + plugins + "libnslab_" + build + "_plugin.so", "--out",
                                  (dir / build / "run.json").string()}),
              0);
  const nlohmann::json report = compare_json(
      {(dir / "example").string(), "--against", (dir / "slow_example").string(), "--fail-on", "slower"}, 1);
  ASSERT_EQ(report["pairs"].size(), 1u);
  const auto& speed = report["pairs"][0]["performance"];
  EXPECT_EQ(speed["verdict"], "SLOWER");
  EXPECT_EQ(speed["ms_per_eval"]["verdict"], "SLOWER");
  EXPECT_LT(speed["ms_per_eval"]["p"].get<double>(), 0.01);
  EXPECT_GT(speed["ms_per_eval"]["ratio"].get<double>(), 2.0);
  EXPECT_EQ(report["pairs"][0]["correctness"]["verdict"], "correct");  // same likelihood, same results
}

class CompareBadInput : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::scratch_dir("compare-bad-input");
    out_ = (dir_ / "report.md").string();
  }
  // Exit 2, and the report file never appears.
  void expect_refused(std::vector<std::string> arguments) {
    arguments.insert(arguments.begin(), "compare");
    arguments.push_back("--out");
    arguments.push_back(out_);
    const std::string log = (dir_ / "stderr.txt").string();
    EXPECT_EQ(testing::run_nslab(arguments, log), 2);
    EXPECT_FALSE(fs::exists(out_));
    const std::string message = read_file(log);
    EXPECT_EQ(std::count(message.begin(), message.end(), '\n'), 1) << message;
    EXPECT_EQ(message.rfind("nslab: ", 0), 0u) << message;
  }
  fs::path dir_;
  std::string out_;
};

TEST_F(CompareBadInput, AResultFileOfAnotherSchema) {
  write_file_atomically((dir_ / "other.json").string(), R"({"schema": "someone.else/2", "cell": "x"})");
  expect_refused({(dir_ / "other.json").string(), "--against", write_fake(dir_ / "c.json", FakeRun{})});
}

TEST_F(CompareBadInput, MismatchedCells) {
  FakeRun mixture;
  mixture.model = "mixture";
  expect_refused({write_fake(dir_ / "b.json", FakeRun{}), "--against", write_fake(dir_ / "c.json", mixture)});
}

TEST_F(CompareBadInput, OneSidedPairs) {
  FakeRun other_size;
  other_size.instrument = "d10";
  const std::string both = write_fake(dir_ / "b.json", FakeRun{});
  const std::string only_baseline = write_fake(dir_ / "b10.json", other_size);
  const std::string candidate = write_fake(dir_ / "c.json", FakeRun{});
  expect_refused({both, only_baseline, "--against", candidate});
  // The same file on both sides is no comparison either.
  expect_refused({both, "--against", both});
  // Asked for, the pair that matches is compared and the other is listed.
  EXPECT_EQ(testing::run_nslab({"compare", both, only_baseline, "--against", candidate, "--allow-unpaired", "--out",
                                out_}),
            0);
  EXPECT_NE(read_file(out_).find("no candidate run of nss/analytic/gaussian/d10/fp64"), std::string::npos);
}

TEST_F(CompareBadInput, ABaselineWithNoRepetitionsCannotGateOnSpeed) {
  const std::string baseline = write_fake(dir_ / "b.json", FakeRun{});
  std::vector<std::string> candidates;
  for (int r = 0; r < 5; ++r) candidates.push_back(write_fake(dir_ / ("c" + std::to_string(r) + ".json"), FakeRun{}));
  std::vector<std::string> arguments = {baseline, "--against"};
  arguments.insert(arguments.end(), candidates.begin(), candidates.end());
  arguments.push_back("--fail-on");
  arguments.push_back("slower");
  expect_refused(arguments);
}

TEST_F(CompareBadInput, EmptyCandidateFolderAndBadOptions) {
  fs::create_directories(dir_ / "empty");
  const std::string baseline = write_fake(dir_ / "b.json", FakeRun{});
  expect_refused({baseline, "--against", (dir_ / "empty").string()});
  expect_refused({baseline, "--against", baseline + ".missing"});
  const std::string candidate = write_fake(dir_ / "c.json", FakeRun{});
  expect_refused({baseline, "--against", candidate, "--fail-on", "faster"});
  expect_refused({baseline, "--against", candidate, "--match", "sampler"});
  expect_refused({baseline, "--against", candidate, "--sd-ratio", "1.2,1.5"});
}

}  // namespace
}  // namespace nslab
