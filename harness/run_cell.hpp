#pragma once
// Runs one cell end to end and returns what it measured (CellRun); the
// result writer (result_writer.hpp) turns that into the result file
// (schema nslab.result/1, docs/results.md).
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cells/cell_id.hpp"
#include "cells/memory_model.hpp"
#include "cells/settings.hpp"
#include "harness/cupti_peak_memory.hpp"
#include "harness/system_info.hpp"
#include "samplers/common/sampler_result.hpp"

namespace nslab {

struct RunOptions {
  std::map<std::string, std::string> overrides;
  bool quiet = true;
  bool resume = false;
  std::string checkpoint_path;  // empty: none; the run leaves it for the caller to remove
  std::size_t checkpoint_every = 10;
};

// The likelihood as the run saw it.
struct ModelDescription {
  std::vector<std::string> parameter_names;
  std::vector<std::string> priors;               // one description per parameter
  std::optional<double> reference_log_evidence;  // closed form, where there is one
};

// The memory model of the run and what was measured against it.
struct MemoryRecord {
  MemoryModel model;
  // fixed + k x bytes_per_replica at the run's batch size (the most ever in
  // flight when the batch setting is unset).
  std::size_t predicted_peak_bytes = 0;
  std::string auto_batch_note;  // how batch_key=auto was resolved; empty when not auto
  DevicePeak device_peak;
  std::size_t peak_tracked_bytes = 0;
  std::size_t peak_rss_bytes = 0;
};

// One run of a cell, everything the result file reports.
struct CellRun {
  CellId cell;
  Settings settings;      // as run: defaults, overrides and auto batch sizes resolved
  std::string batch_key;  // chunk_size | n_batch
  ModelDescription model;
  SamplerResult result;
  MemoryRecord memory;
  DeviceInfo device;
  BuildInfo build;
  double total_wall_s = 0.0;
  std::string started_at;  // UTC, ISO 8601

  // 1000 x sampler wall time / likelihood evaluations (0 before any).
  double time_per_eval_ms() const;
  // The share of the sampler's wall time spent outside the likelihood.
  double sampler_overhead_fraction() const;
};

CellRun run_cell(const CellId& cell, const RunOptions& options);

// results/<cell without precision>/<device>_<precision>.json
std::string default_result_path(const CellId& cell, const std::string& device_short_name,
                                const std::string& root = "results");

// The device the cell's backend setting selects.
DeviceInfo device_info_for_backend(const std::string& backend);

}  // namespace nslab
