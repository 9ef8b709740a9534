// The result writer and reader are mirrors: what run_cell measured comes back
// from the document it is written to, the batch key included.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "harness/result_reader.hpp"
#include "harness/result_writer.hpp"
#include "harness/run_cell.hpp"
#include "harness/system_info.hpp"

namespace nslab {
namespace {

TEST(ResultWriter, TheReaderGetsBackWhatTheRunMeasured) {
  RunOptions options;
  options.overrides = {{"chunk_size", "7"}, {"max_evals", "600"}, {"n_live", "50"}, {"num_delete", "10"}};
  const CellRun run = run_cell(CellId::parse("nss/analytic/gaussian/d2/fp64"), options);
  const Json document = result_document(run);
  EXPECT_EQ(document["batch_key"], "chunk_size");
  const ResultRow row = parse_result(nlohmann::json::parse(document.dump()), "memory");
  EXPECT_EQ(row.cell, "nss/analytic/gaussian/d2/fp64");
  EXPECT_EQ(row.batch_key, "chunk_size");
  EXPECT_EQ(row.batch.value_or(-1), 7);
  EXPECT_EQ(row.stopped_by, "max_evals");
  EXPECT_EQ(*row.log_z, run.result.log_evidence);
  EXPECT_EQ(*row.reference_log_z, *run.model.reference_log_evidence);
  EXPECT_EQ(*row.evals, static_cast<double>(run.result.counters.likelihood_evals));
  EXPECT_EQ(*row.largest_batch, 7.0);
  EXPECT_EQ(*row.time_per_eval_ms, run.time_per_eval_ms());
  EXPECT_EQ(*row.peak_tracked_bytes, static_cast<double>(run.memory.peak_tracked_bytes));
  EXPECT_EQ(*row.bytes_per_replica, static_cast<double>(run.memory.model.bytes_per_replica));
  EXPECT_EQ(row.device, "cpu");
  EXPECT_EQ(document["device"]["identity"], cpu_identity());  // what tells this CPU apart
  EXPECT_EQ(document["memory"]["predicted_peak_bytes"], run.memory.model.predicted_peak(7));
  EXPECT_EQ(document["model_summary"]["free_parameters"], 2);
}

TEST(ResultReader, TheBatchKeyComesFromTheDocumentNotTheSamplersName) {
  nlohmann::json document = {{"schema", "nslab.result/1"}, {"sampler", "nautilus-like"},
                             {"dataset", "analytic"},      {"model", "gaussian"},
                             {"instrument", "d2"},         {"precision", "fp64"},
                             {"batch_key", "chunk_size"},  {"config", {{"chunk_size", 3}, {"n_batch", 9}}}};
  const ResultRow row = parse_result(document, "peer.json");
  EXPECT_EQ(row.batch_key, "chunk_size");
  EXPECT_EQ(row.batch.value_or(-1), 3);
  // Files from before the key was written: nslab's own samplers are known;
  // anyone else's must name it.
  document.erase("batch_key");
  EXPECT_THROW(parse_result(document, "peer.json"), UsageError);
  document["sampler"] = "nautilus";
  EXPECT_EQ(parse_result(document, "old.json").batch_key, "n_batch");
}

}  // namespace
}  // namespace nslab
