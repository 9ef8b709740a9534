// The hst cells beside PyAutoLens's anchors: fixture documents only (made up
// numbers in both layouts), never committed result files.
#include <gtest/gtest.h>

#include "harness/anchor_tables.hpp"

namespace nslab {
namespace {

using nlohmann::json;

json anchor(const std::string& sampler, double log_z, double evals, double ms_per_eval, double wall_s) {
  return {{"sampler", sampler}, {"dataset_class", "imaging"}, {"model", "mge"}, {"instrument", "hst"},
          {"config_name", "hpc_a100_fp64"},
          {"device", {{"backend", "gpu"}, {"nvidia_smi", "NVIDIA A100 80GB PCIe, 2048 MiB, 81920 MiB"}}},
          {"sampler_config", {{"n_live", 200}, {"n_batch", 100}}},
          {"results", {{"log_evidence", log_z}, {"max_log_likelihood", log_z + 90}}},
          {"performance", {{"sampler_wall_s", wall_s}, {"likelihood_evals", evals}, {"time_per_eval_ms", ms_per_eval}}}};
}

json run(const std::string& sampler, const std::string& dataset, double log_z, double error,
         const std::string& stopped_by, int processes) {
  json performance = {{"likelihood_evals", 60000}, {"time_per_eval_ms", 1.0}, {"sampler_wall_s", 60.0}};
  if (processes > 0) performance["processes"] = processes;
  return {{"schema", "nslab.result/1"}, {"sampler", sampler}, {"dataset", "imaging"}, {"model", "mge"},
          {"instrument", "hst"}, {"precision", "fp64"},
          {"config", {{"n_batch", 100}, {"dataset", dataset}}},
          {"results", {{"log_evidence", log_z}, {"log_evidence_error", error}, {"max_log_likelihood", log_z + 95},
                       {"stopped_by", stopped_by}}},
          {"performance", performance},
          {"memory", {{"peak_device_bytes", 512.0 * 1024 * 1024}, {"peak_device_source", "cupti"}}},
          {"device", {{"backend", "cuda"}, {"name", "NVIDIA H200"}, {"short_name", "h200"}}}};
}

std::vector<ResultRow> fixture() {
  return {parse_result(anchor("nautilus", 1000.0, 63800, 12.0, 720.0), "a/nautilus/hpc_a100_fp64.json"),
          parse_result(run("nautilus", "../shared/datasets/imaging/hst", 1000.3, 0.05, "termination", 3), "h200_a.json"),
          parse_result(run("nautilus", "simulated", 1300.0, 0.05, "termination", 0), "h200_s.json"),
          parse_result(run("nautilus", "simulated", 1300.0, 0.05, "max_wall_s", 0), "h200_stopped.json"),
          // No anchor for this sampler: no table of its own.
          parse_result(run("nss", "simulated", 1300.0, 0.05, "termination", 0), "h200_nss.json")};
}

TEST(AnchorTables, RunsSitBesideTheirAnchorWithRatios) {
  const auto tables = anchor_comparison_tables(fixture());
  ASSERT_EQ(tables.size(), 1u);
  const Table& table = tables[0];
  EXPECT_EQ(table.title,
            "nautilus/imaging/mge/hst/fp64 beside af-nautilus (NVIDIA A100 80GB PCIe); "
            "1 run(s) stopped by a budget left out");
  ASSERT_EQ(table.rows.size(), 3u);  // the anchor, then the two finished runs
  EXPECT_EQ(table.rows[0][0], "af-nautilus hpc_a100_fp64");
  EXPECT_EQ(table.rows[0][14], "2.00 GiB (nvidia-smi used)");
  const auto& real = table.rows[1];
  EXPECT_EQ(real[2], "imaging/hst");
  // 0.3 over the anchor, combined σ = √2 × 0.05.
  EXPECT_EQ(real[6], "+0.30 (+4.2σ)");
  EXPECT_EQ(real[9], "0.94×");    // 60,000 / 63,800 evaluations
  EXPECT_EQ(real[11], "12×");     // 12 ms / 1 ms per evaluation
  EXPECT_EQ(real[13], "12×");     // 720 s / 60 s of sampler wall
  EXPECT_EQ(real[15], "4×");      // 2 GiB in use / 512 MiB peak
  EXPECT_EQ(real[16], "3 (resumed)");
  const auto& simulated = table.rows[2];
  EXPECT_EQ(simulated[2], "simulated");
  EXPECT_EQ(simulated[6], "-");   // other data: its log Z is not the anchor's to match
  EXPECT_EQ(simulated[16], "1");
}

TEST(AnchorTables, SectionOnlyWhenThereIsAnAnchor) {
  auto rows = fixture();
  EXPECT_NE(render_anchor_section(rows).find("## Beside PyAutoLens's anchors"), std::string::npos);
  rows.erase(rows.begin());
  EXPECT_TRUE(anchor_comparison_tables(rows).empty());
  EXPECT_EQ(render_anchor_section(rows), "");
  EXPECT_EQ(render_table_document(rows, "md", "t").find("PyAutoLens's anchors"), std::string::npos);
}

TEST(AnchorTables, DataLabels) {
  ResultRow row;
  row.layout = "nslab";
  EXPECT_EQ(data_label(row), "simulated");
  row.data = "../shared/datasets/imaging/hst/";
  EXPECT_EQ(data_label(row), "imaging/hst");
  row.data = "hst";
  EXPECT_EQ(data_label(row), "hst");
  row.data = "../hst";
  EXPECT_EQ(data_label(row), "hst");
}

}  // namespace
}  // namespace nslab
