// Calibration verdicts on runs whose log Z the test chooses, and the command
// on a cheap analytic cell.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "core/atomic_file.hpp"
#include "harness/calibrate/calibration.hpp"
#include "harness/compare/result_fixtures.hpp"
#include "support/nslab_process.hpp"

namespace nslab {
namespace {

namespace fs = std::filesystem;
using testing::FakeRun;

// n seeds whose log Z are reference + shift + spread * z_i, z_i a fixed
// sequence standardised to mean 0 and sd 1, each reporting `error`.
RunGroup runs(int n, double shift, double spread, double error) {
  RunGroup group;
  group.cell = "nss/analytic/gaussian/d5/fp64";
  std::vector<double> z;
  for (int i = 0; i < n; ++i) z.push_back(std::sin(1.7 * i + 0.3));
  double mean = 0, sd = 0;
  for (double v : z) mean += v / n;
  for (double v : z) sd += (v - mean) * (v - mean) / (n - 1);
  sd = std::sqrt(sd);
  for (int i = 0; i < n; ++i) {
    FakeRun run;
    run.seed = i + 1;
    run.log_z = run.reference_log_z + shift + spread * (z[i] - mean) / sd;
    run.log_z_error = error;
    group.runs.push_back(run_record_from(testing::fake_result(run), "s" + std::to_string(i) + ".json"));
  }
  return group;
}

TEST(Calibration, VerdictsOnChosenRuns) {
  const CalibrationGates gates;
  const EvidenceReference closed{-6.931471805599453, 0.0, "closed form"};
  const Calibration honest = calibrate_evidence(runs(100, 0.0, 0.27, 0.27), closed, gates);
  EXPECT_EQ(honest.verdict, "CALIBRATED");
  EXPECT_NEAR(honest.bias, 0.0, 1e-12);
  EXPECT_NEAR(honest.scatter_ratio, 1.0, 1e-12);
  EXPECT_NEAR(honest.bias_error, 0.027, 1e-12);
  // A bias of 4 standard errors.
  const Calibration biased = calibrate_evidence(runs(100, 0.108, 0.27, 0.27), closed, gates);
  EXPECT_EQ(biased.verdict, "BIASED");
  EXPECT_NEAR(biased.bias_sigma, 4.0, 1e-9);
  EXPECT_NEAR(biased.pull_mean, 0.4, 1e-9);
  // Scatter twice the reported error (bias 0): the reported errors are too small.
  const Calibration small = calibrate_evidence(runs(100, 0.0, 0.54, 0.27), closed, gates);
  EXPECT_EQ(small.verdict, "ERRORS TOO SMALL");
  // 30 % too large in 12 seeds is within chance; in 200 it is not.
  EXPECT_EQ(calibrate_evidence(runs(12, 0.0, 0.27 * 1.3, 0.27), closed, gates).verdict, "CALIBRATED");
  EXPECT_EQ(calibrate_evidence(runs(200, 0.0, 0.27 / 1.3, 0.27), closed, gates).verdict, "ERRORS TOO LARGE");
  // A reference with an error of its own widens the standard error.
  const Calibration referenced = calibrate_evidence(runs(100, 0.108, 0.27, 0.27), {closed.value, 0.1, "x"}, gates);
  EXPECT_NEAR(referenced.bias_error, std::sqrt(0.027 * 0.027 + 0.01), 1e-12);
  EXPECT_EQ(referenced.verdict, "CALIBRATED");
  // Few seeds: the bias is still judged, with the reported errors as the floor.
  const Calibration one = calibrate_evidence(runs(2, 8.1, 0.0001, 0.58), closed, gates);
  EXPECT_EQ(one.verdict, "BIASED");
  EXPECT_NEAR(one.bias_error, 0.58 / std::sqrt(2.0), 1e-9);
  EXPECT_FALSE(one.scatter_ratio_z.has_value());
}

TEST(Calibration, CommandRunsSeedsReusesThemAndWritesTheReport) {
  const fs::path dir = testing::scratch_dir("calibrate");
  const std::vector<std::string> command = {"calibrate", "nss/analytic/gaussian/d2/fp64", "--seeds", "3",
                                            "--set", "threads=1", "--runs", (dir / "runs").string(),
                                            "--out", (dir / "out").string(), "--quiet"};
  ASSERT_EQ(testing::run_nslab(command), 0);
  const auto summary = nlohmann::json::parse(read_file((dir / "out/calibration.json").string()));
  EXPECT_EQ(summary["seeds"], 3);
  EXPECT_EQ(summary["reference"]["source"], "closed form");
  EXPECT_NEAR(summary["reference"]["log_evidence"].get<double>(), -2 * std::log(4.0), 1e-12);
  EXPECT_TRUE(fs::exists(dir / "out/pulls.svg"));
  const fs::path seed_file = dir / "runs/nss/analytic/gaussian/d2/cpu_fp64,seed=2.json";
  ASSERT_TRUE(fs::exists(seed_file));
  // A second call reuses the files: the same figures, no new runs.
  const auto stamp = fs::last_write_time(seed_file);
  ASSERT_EQ(testing::run_nslab(command), 0);
  EXPECT_EQ(fs::last_write_time(seed_file), stamp);
  EXPECT_EQ(nlohmann::json::parse(read_file((dir / "out/calibration.json").string()))["bias"], summary["bias"]);
  // --from the same files, against a given reference.
  ASSERT_EQ(testing::run_nslab({"calibrate", "--from", (dir / "runs").string(), "--reference", "-2.0",
                                "--out", (dir / "from").string()}),
            0);
  EXPECT_EQ(nlohmann::json::parse(read_file((dir / "from/calibration.json").string()))["reference"]["source"],
            "given value");
}

TEST(Calibration, BadRequestsExitTwoBeforeAnyRun) {
  const fs::path dir = testing::scratch_dir("calibrate-bad");
  const std::string runs = (dir / "runs").string();
  EXPECT_EQ(testing::run_nslab({"calibrate", "nss/analytic/gaussian/d2/fp64", "--runs", runs}), 2);  // no --seeds
  EXPECT_EQ(testing::run_nslab({"calibrate", "nss/imaging/mge/ci/fp64", "--seeds", "2", "--runs", runs}), 2);
  EXPECT_EQ(testing::run_nslab({"calibrate", "nss/analytic/gaussian/d2/fp64", "--seeds", "2", "--set", "seed=3",
                                "--runs", runs}),
            2);
  EXPECT_EQ(testing::run_nslab({"calibrate", "--from", (dir / "nothing-here").string()}), 2);
  EXPECT_FALSE(fs::exists(runs));
}

}  // namespace
}  // namespace nslab
