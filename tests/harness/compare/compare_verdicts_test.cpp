// Pairing and verdicts of `nslab compare` on result documents whose figures
// the test chooses: each gate fires when it should and only then.
#include <gtest/gtest.h>

#include "harness/compare/compare_report.hpp"
#include "harness/compare/result_fixtures.hpp"

namespace nslab {
namespace {

using testing::FakeRun;

RunRecord record(const FakeRun& run, const std::string& name) {
  return run_record_from(testing::fake_result(run), name);
}

SideSummary side(const FakeRun& run) {
  RunGroup group;
  group.runs.push_back(record(run, "x.json"));
  return summarise_side(group);
}

std::vector<RunRecord> seeds(FakeRun run, std::initializer_list<int> seed_list, const std::string& prefix) {
  std::vector<RunRecord> out;
  for (int seed : seed_list) {
    run.seed = seed;
    out.push_back(record(run, prefix + std::to_string(seed) + ".json"));
  }
  return out;
}

TEST(ComparePairing, SameConfigurationPairsAndListsExecutionDifferences) {
  FakeRun base, cand;
  cand.threads = 2;
  const Pairing p = pair_runs(seeds(base, {1, 2}, "b"), seeds(cand, {1, 2}, "c"), MatchBy::kConfig, false);
  ASSERT_EQ(p.pairs.size(), 1u);
  EXPECT_TRUE(p.unpaired.empty());
  ASSERT_EQ(p.pairs[0].differences.size(), 1u);
  EXPECT_EQ(p.pairs[0].differences[0].key, "threads");
  EXPECT_EQ(p.baseline[0].runs.size(), 2u);
}

TEST(ComparePairing, OtherSettingsAreUnpairedWithTheReasonAndPairByCell) {
  FakeRun base, cand;
  cand.num_inner_steps = 5;
  const Pairing strict = pair_runs(seeds(base, {1}, "b"), seeds(cand, {1}, "c"), MatchBy::kConfig, false);
  EXPECT_TRUE(strict.pairs.empty());
  ASSERT_EQ(strict.unpaired.size(), 2u);
  EXPECT_NE(strict.unpaired[0].reason.find("num_inner_steps 10 here, 5 there"), std::string::npos)
      << strict.unpaired[0].reason;
  EXPECT_NE(strict.unpaired[0].reason.find("--match cell"), std::string::npos);
  const Pairing by_cell = pair_runs(seeds(base, {1}, "b"), seeds(cand, {1}, "c"), MatchBy::kCell, false);
  ASSERT_EQ(by_cell.pairs.size(), 1u);
  EXPECT_EQ(by_cell.pairs[0].differences[0].key, "num_inner_steps");
}

TEST(ComparePairing, ProblemPairsAcrossSamplersAndUnfinishedRunsAreLeftOut) {
  FakeRun nss, nautilus, smoke;
  nautilus.sampler = "nautilus";
  smoke.sampler = "nautilus";
  smoke.stopped_by = "max_evals";
  smoke.seed = 9;
  std::vector<RunRecord> candidate = seeds(nautilus, {1}, "c");
  candidate.push_back(record(smoke, "smoke.json"));
  const Pairing strict = pair_runs(seeds(nss, {1}, "b"), candidate, MatchBy::kConfig, false);
  EXPECT_NE(strict.unpaired[0].reason.find("--match problem"), std::string::npos) << strict.unpaired[0].reason;
  const Pairing p = pair_runs(seeds(nss, {1}, "b"), candidate, MatchBy::kProblem, false);
  ASSERT_EQ(p.pairs.size(), 1u);
  ASSERT_EQ(p.left_out.size(), 1u);
  EXPECT_EQ(p.left_out[0].path, "smoke.json");
  EXPECT_EQ(pair_runs(seeds(nss, {1}, "b"), candidate, MatchBy::kProblem, true).candidate[0].runs.size(), 2u);
}

TEST(CompareCorrectness, EuclidMgeFiguresFlagNssAgainstNautilusOnly) {
  // log Z ± error of the committed euclid MGE runs (results/peers/imaging/mge/euclid).
  FakeRun nautilus, af_nautilus, nss;
  nautilus.log_z = 7889.052091594466, nautilus.log_z_error = 0.015350577814657337;
  af_nautilus.log_z = 7889.030344372448, af_nautilus.log_z_error = 0.01525622896225185;
  nss.log_z = 7897.14907203743, nss.log_z_error = 0.5842154457242477;
  const CompareGates gates;
  const Correctness agree = compare_correctness(side(af_nautilus), side(nautilus), gates);
  EXPECT_TRUE(agree.pass());
  EXPECT_NEAR(*agree.delta_log_z_sigma, 1.01, 0.01);
  const Correctness disagree = compare_correctness(side(nautilus), side(nss), gates);
  EXPECT_FALSE(disagree.pass());
  EXPECT_NEAR(*disagree.delta_log_z_sigma, 13.85, 0.01);
  EXPECT_EQ(correctness_word(disagree), "INCORRECT (log Z)");
}

TEST(CompareCorrectness, SeedScatterFromThreeSeedsNeverBelowTheReportedErrors) {
  FakeRun run;
  RunGroup tight, wide;
  for (int seed : {1, 2, 3}) {
    run.seed = seed;
    run.log_z = -6.93 + 0.001 * seed;  // scatter far below the reported 0.27
    tight.runs.push_back(record(run, "t.json"));
    run.log_z = -6.93 + 1.0 * seed;    // scatter 1.0 above it
    wide.runs.push_back(record(run, "w.json"));
  }
  const SideSummary t = summarise_side(tight), w = summarise_side(wide);
  EXPECT_EQ(t.sigma_source, "reported errors");
  EXPECT_NEAR(*t.log_z_sigma, 0.27 / std::sqrt(3.0), 1e-12);
  EXPECT_EQ(w.sigma_source, "seed scatter");
  EXPECT_NEAR(*w.log_z_sigma, 1.0 / std::sqrt(3.0), 1e-12);
  RunGroup two;
  two.runs = {tight.runs[0], tight.runs[1]};
  EXPECT_EQ(summarise_side(two).sigma_source, "reported error");
  EXPECT_NEAR(*summarise_side(two).log_z_sigma, std::sqrt(2 * 0.27 * 0.27) / 2, 1e-12);
}

TEST(CompareCorrectness, PosteriorShiftRatioAndPeakGates) {
  FakeRun base, cand;
  const CompareGates gates;
  cand.mean = {0.0 + 0.19 * 0.05, 0.1};  // 0.19 σ: passes
  cand.sd = {0.05 * 1.24, 0.08 * 0.81};
  EXPECT_TRUE(compare_correctness(side(base), side(cand), gates).pass());
  cand.mean = {0.0 + 0.21 * 0.05, 0.1};
  Correctness shifted = compare_correctness(side(base), side(cand), gates);
  EXPECT_EQ(correctness_word(shifted), "INCORRECT (posterior mean shift)");
  cand.mean = base.mean;
  cand.sd = {0.05 * 1.26, 0.08};
  EXPECT_EQ(correctness_word(compare_correctness(side(base), side(cand), gates)), "INCORRECT (posterior σ ratio)");
  cand.sd = base.sd;
  cand.max_log_l = base.max_log_l - 2.5;
  EXPECT_EQ(correctness_word(compare_correctness(side(base), side(cand), gates)), "INCORRECT (max log L)");
}

TEST(CompareSpeed, VerdictsFollowTheTestAndTheMinimumEffect) {
  const CompareGates gates;  // alpha 0.01, SAME within 5 %, SLOWER/FASTER beyond 50 %
  const std::vector<double> base = {1.00, 1.02, 0.98, 1.01, 0.99, 1.03, 0.97};
  auto scaled = [&](double factor) {
    std::vector<double> out;
    for (double v : base) out.push_back(factor * v);
    return out;
  };
  const SpeedComparison s = compare_speed("ms/eval", base, scaled(2.0), gates);
  EXPECT_EQ(s.verdict, "SLOWER");
  EXPECT_LT(s.test->p_two_sided, 0.01);
  EXPECT_NEAR(*s.ratio, 2.0, 1e-9);
  EXPECT_EQ(compare_speed("ms/eval", scaled(2.0), base, gates).verdict, "FASTER");
  EXPECT_EQ(compare_speed("ms/eval", base, scaled(1.001), gates).verdict, "SAME");
  EXPECT_EQ(compare_speed("ms/eval", base, scaled(1.03), gates).verdict, "SAME");  // significant, within 5 %
  // Significant but within the 50 % a busy machine drifts by: no claim.
  const SpeedComparison drift = compare_speed("ms/eval", base, scaled(1.4), gates);
  EXPECT_EQ(drift.verdict, "UNSURE");
  EXPECT_NE(drift.reason.find("minimum effect"), std::string::npos) << drift.reason;
  CompareGates quiet;
  quiet.min_effect = 0.05;
  EXPECT_EQ(compare_speed("ms/eval", base, scaled(1.2), quiet).verdict, "SLOWER");
  // One run a side, or three (smallest possible p 0.1): no verdict.
  EXPECT_EQ(compare_speed("ms/eval", {1.0}, {2.0}, gates).verdict, "UNSURE");
  EXPECT_EQ(compare_speed("ms/eval", {1.0, 1.1, 0.9}, {2.0, 2.1, 1.9}, gates).verdict, "UNSURE");
  // Overlapping noisy samples twice apart: beyond the effect but not significant.
  EXPECT_EQ(compare_speed("ms/eval", {1.0, 3.0, 0.5, 2.0, 0.8}, {2.0, 6.0, 1.0, 4.0, 1.6}, gates).verdict, "UNSURE");
  EXPECT_EQ(combined_speed_verdict("SAME", "SLOWER"), "SLOWER");
  EXPECT_EQ(combined_speed_verdict("SAME", "FASTER"), "FASTER");
  EXPECT_EQ(combined_speed_verdict("UNSURE", "FASTER"), "UNSURE");
}

TEST(CompareMemory, GrowthIsLargerAndOtherMeasuresAreNotCompared) {
  FakeRun base, cand;
  const CompareGates gates;
  EXPECT_EQ(compare_memory(side(base), side(cand), gates).verdict, "same");
  cand.peak_bytes = base.peak_bytes + 1;
  EXPECT_EQ(compare_memory(side(base), side(cand), gates).verdict, "LARGER");
  CompareGates tolerant;
  tolerant.memory_tolerance = 0.01;
  EXPECT_EQ(compare_memory(side(base), side(cand), tolerant).verdict, "same");
  cand.peak_source = "rss";
  EXPECT_EQ(compare_memory(side(base), side(cand), gates).verdict, "not compared");
}

TEST(CompareReport, RepetitionsOfASeedThatDifferAreNoted) {
  FakeRun run;
  RunGroup group;
  group.runs.push_back(record(run, "a.json"));
  run.log_z += 1e-9;
  group.runs.push_back(record(run, "b.json"));
  const SideSummary side = summarise_side(group);
  EXPECT_EQ(side.seeds, 1u);
  ASSERT_EQ(side.notes.size(), 1u);
  EXPECT_NE(side.notes[0].find("not reproducible"), std::string::npos);
}

}  // namespace
}  // namespace nslab
