#include <gtest/gtest.h>

#include <filesystem>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "support/nslab_process.hpp"
#include "harness/result_tables.hpp"
#include "support/result_files.hpp"

namespace nslab {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json nslab_result(const std::string& sampler, double ms_per_eval, long long k) {
  return {{"schema", "nslab.result/1"}, {"sampler", sampler}, {"dataset", "analytic"},
          {"model", "gaussian"}, {"instrument", "d5"}, {"precision", "fp64"},
          {"config", {{sampler == "nss" ? "chunk_size" : "n_batch", k}}},
          {"results", {{"log_evidence", -6.9}, {"log_evidence_error", 0.2}, {"reference_log_evidence", -6.93}}},
          {"performance", {{"likelihood_evals", 1000}, {"time_per_eval_ms", ms_per_eval}, {"total_wall_s", 3.0}}},
          {"memory", {{"peak_device_bytes", 2048 * k}, {"bytes_per_replica", 2048}, {"fixed_overhead_bytes", 0},
                      {"peak_device_source", "tracked"}}},
          {"device", {{"backend", "cpu"}, {"name", "test CPU"}}}};
}

TEST(ResultTables, NssSitsBesideNautilusWithItsRatio) {
  const std::vector<ResultRow> rows = {parse_result(nslab_result("nss", 0.5, 10), "a.json"),
                                       parse_result(nslab_result("nautilus", 2.0, 100), "b.json")};
  const auto tables = comparison_tables(rows);
  ASSERT_EQ(tables.size(), 1u);
  EXPECT_EQ(tables[0].title, "analytic/gaussian/d5/fp64");
  ASSERT_EQ(tables[0].rows.size(), 2u);
  EXPECT_EQ(tables[0].rows[1][0], "nss");
  EXPECT_EQ(tables[0].rows[1][10], "0.25×");
  const std::string markdown = render_markdown(tables);
  EXPECT_NE(markdown.find("| nss | cpu | 10 | 1 | -6.900 | 0.200 | -6.930 |"), std::string::npos) << markdown;
}

TEST(ResultTables, UnfinishedRunsAreLeftOutUnlessAskedAndRepetitionsAreOneRow) {
  json smoke = nslab_result("nautilus", 2.0, 100);
  smoke["results"]["stopped_by"] = "max_evals";
  std::vector<ResultRow> rows = {parse_result(smoke, "smoke.json")};
  for (double ms : {0.5, 0.7, 0.6}) {
    json repeat = nslab_result("nss", ms, 10);
    repeat["config"]["seed"] = 3;
    rows.push_back(parse_result(repeat, "r.json"));
  }
  const auto tables = comparison_tables(rows);
  ASSERT_EQ(tables.size(), 1u);
  ASSERT_EQ(tables[0].rows.size(), 1u);  // the nautilus smoke run is out, three repeats are one row
  EXPECT_EQ(tables[0].rows[0][3], "×3");
  EXPECT_EQ(tables[0].rows[0][9], "0.6");  // the median ms/eval
  EXPECT_EQ(tables[0].rows[0][10], "-");   // no finished Nautilus to divide by
  const auto all = comparison_tables(rows, true);
  ASSERT_EQ(all[0].rows.size(), 2u);
  EXPECT_EQ(all[0].rows[0][14], "max_evals (not finished)");
  EXPECT_NE(render_table_document(rows, "md", "nslab table x").find("1 run stopped by a budget"), std::string::npos);
}

TEST(ResultTables, SweepTableShowsMeasuredBesideModel) {
  std::vector<ResultRow> rows;
  for (long long k : {1, 4, 16}) rows.push_back(parse_result(nslab_result("nss", 1.0, k), "x.json"));
  const auto sweeps = batch_sweep_tables(rows);
  ASSERT_EQ(sweeps.size(), 1u);
  ASSERT_EQ(sweeps[0].rows.size(), 3u);
  EXPECT_EQ(sweeps[0].rows[2][0], "16");
  EXPECT_EQ(sweeps[0].rows[2][1], "32.0 KiB");
  EXPECT_EQ(sweeps[0].rows[2][2], "32.0 KiB");
}

TEST(ResultTables, RunsTableHasOneRowPerFileWithTheModelAtTheLargestBatch) {
  json document = nslab_result("nss", 0.25, 8);
  document["cell"] = "nss/analytic/gaussian/d5/fp64";
  document["performance"]["largest_batch"] = 8;
  document["memory"]["fixed_overhead_bytes"] = 1024;
  document["memory"]["peak_tracked_bytes"] = 2048 * 8 + 1024;
  document["memory"]["peak_device_note"] = "CUPTI unavailable";
  const Table table = runs_table({parse_result(document, "a.json"), parse_result(nslab_result("nautilus", 1, 2), "b.json")});
  ASSERT_EQ(table.rows.size(), 2u);
  const std::vector<std::string> expected = {"nss/analytic/gaussian/d5/fp64", "8", "1000", "0.25",
                                             "16.0 KiB (tracked)", "17.0 KiB", "17.0 KiB",
                                             "-6.900 ± 0.200", "-6.930", "-",
                                             "test CPU / cpu NOTE: CUPTI unavailable"};
  EXPECT_EQ(table.rows[0], expected);
  EXPECT_EQ(table.rows[1][0], "nautilus/analytic/gaussian/d5/fp64");  // built from the fields
  EXPECT_EQ(table.rows[1][6], "-");  // no largest batch recorded: no prediction
}

TEST(ResultReader, ReadsAutolensProfilingAnchors) {
  const std::string anchor = std::string(NSLAB_SOURCE_DIR) +
      "/../shared/anchors/autolens_profiling/results/searches/nautilus/imaging/delaunay/hst/hpc_a100_fp64.json";
  if (!fs::exists(anchor)) GTEST_SKIP() << "anchor results not present at " << anchor;
  const auto rows = read_results({anchor});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].sampler, "af-nautilus");
  EXPECT_EQ(rows[0].group(), "imaging/delaunay/hst/fp64");
  EXPECT_EQ(rows[0].batch.value_or(-1), 16);
  EXPECT_NEAR(*rows[0].time_per_eval_ms, 84.76, 0.01);
  EXPECT_EQ(rows[0].device, "NVIDIA A100 80GB PCIe");
  // "NVIDIA A100 80GB PCIe, 37413 MiB, 81920 MiB": in use when the search ended.
  EXPECT_EQ(rows[0].peak_device_bytes.value_or(0), 37413.0 * 1024 * 1024);
  EXPECT_EQ(rows[0].peak_source, "nvidia-smi used");
}

TEST(ResultReader, RefusesOtherSchemasAndTruncatedFiles) {
  EXPECT_THROW(parse_result(json{{"schema", "nslab.result/2"}}, "x.json"), UsageError);
  EXPECT_THROW(parse_result(json{{"hello", 1}}, "x.json"), UsageError);
  const fs::path dir = nslab::testing::test_scratch_root() / "tables";
  fs::create_directories(dir);
  const std::string truncated = dir / "truncated.json";
  write_file_atomically(truncated, nslab_result("nss", 1, 1).dump().substr(0, 80));
  EXPECT_THROW(read_results({truncated}), UsageError);
  // The command line says so in one line with exit 2, and does not touch --out.
  const std::string out = dir / "table.md";
  write_file_atomically(out, "previous table\n");
  EXPECT_EQ(testing::run_nslab({"table", truncated, "--out", out}), 2);
  EXPECT_EQ(read_file(out), "previous table\n");
}

TEST(ResultReader, SkippedFilesAreSummarizedByReason) {
  const std::vector<SkippedFile> skipped = {{"a/1.json", "result schema \"x/1\" is not nslab.result/1"},
                                            {"b/2.json", "not a result file (no \"schema\")"},
                                            {"a/3.json", "result schema \"x/1\" is not nslab.result/1"},
                                            {"a/4.json", "result schema \"x/1\" is not nslab.result/1"}};
  const std::vector<std::string> expected = {
      "skipped 3 files: result schema \"x/1\" is not nslab.result/1 (first: a/1.json)",
      "skipped b/2.json: not a result file (no \"schema\")"};
  EXPECT_EQ(summarize_skipped(skipped), expected);
  EXPECT_TRUE(summarize_skipped({}).empty());
}

TEST(CommandLine, BadRequestsExitTwoAndWriteNothing) {
  const fs::path dir = testing::scratch_dir("cli");
  const std::string out = dir / "r.json";
  EXPECT_EQ(testing::run_nslab({"run", "nss/analytic/gaussian/d5"}), 2);
  EXPECT_EQ(testing::run_nslab({"run", "nss/nowhere/gaussian/d5/fp64", "--out", out}), 2);
  EXPECT_EQ(testing::run_nslab({"run", "nss/analytic/gaussian/d5/fp64", "--set", "n_lives=3", "--out", out}), 2);
  EXPECT_EQ(testing::run_nslab({"run", "nss/analytic/gaussian/d5/fp64", "--set", "n_live=many", "--out", out}), 2);
  EXPECT_EQ(testing::run_nslab({"run", "nss/analytic/gaussian/d5/fp64", "--set", "num_delete=500", "--out", out}), 2);
  EXPECT_EQ(testing::run_nslab({"run", "nss/analytic/gaussian/d5/fp64", "--set", "chunk_size=0", "--out", out}), 2);
  EXPECT_EQ(testing::run_nslab({"frobnicate"}), 2);
  EXPECT_FALSE(fs::exists(out));
  EXPECT_EQ(testing::run_nslab({"run", "nss/analytic/gaussian/d2/fp64", "--quiet", "--out", out}), 0);
  EXPECT_TRUE(fs::exists(out));
}

}  // namespace
}  // namespace nslab
