#pragma once
// Reads result files into flat rows for tables and plots: nslab's own
// (schema nslab.result/1, peers' files included) and autolens_profiling's
// search layout, so nslab and PyAutoLens rows can sit in one table.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace nslab {

struct ResultRow {
  std::string path;
  std::string layout;  // "nslab" or "autolens_profiling"
  std::string cell;  // the cell id as the file names it (nslab layout; else built from the fields)
  std::string sampler, dataset, model, instrument, precision;
  std::string device;       // short device name (cpu, h100, "NVIDIA A100 80GB PCIe", ...)
  std::string device_name;  // the device's full name, where the file records it
  std::string batch_key;    // chunk_size | n_batch
  std::optional<long long> batch;  // k; empty when unset (all in flight)
  std::string inversion;
  std::string seed;         // the run's seed as text; empty when not recorded
  std::string data;         // the dataset setting: "simulated" or a folder; empty when not recorded
  std::optional<double> log_z, log_z_error, reference_log_z, max_log_l;
  std::optional<double> evals, time_per_eval_ms, total_wall_s, sampler_wall_s;
  std::optional<double> largest_batch;  // the widest likelihood call of the run
  std::optional<double> peak_device_bytes, peak_tracked_bytes, bytes_per_replica, fixed_overhead_bytes;
  std::string peak_source;
  std::string peak_note;  // why the tracked peak stands in for CUPTI's, where it does
  std::string stopped_by;  // termination | max_evals | max_wall_s; empty when not recorded
  std::optional<double> processes;  // how many processes the run took (resumed: more than 1)
  std::string group() const { return dataset + "/" + model + "/" + instrument + "/" + precision; }
};

// Parses one document; throws UsageError naming `path` when it is not a
// result file of a known layout.
ResultRow parse_result(const nlohmann::json& document, const std::string& path);
// Files and folders (searched recursively for *.json); throws UsageError on
// a missing path, unparsable JSON or an unknown layout of a named file.
// JSON found in a folder that is not a result file is skipped, and said so
// on stderr in the lines summarize_skipped gives.
std::vector<ResultRow> read_results(const std::vector<std::string>& paths);

// A file read_results skipped, and why (parse_result's message without the path).
struct SkippedFile {
  std::string path, reason;
};
// One line per reason, in order of first appearance: how many files, and
// the first of them ("skipped 27 files: result schema \"nslab.calibration/1\"
// is not nslab.result/1 (first: results/calibration/...)"); a lone file
// gets the one-file form. A results/ tree holds dozens of benchmark,
// calibration and comparison files, which one line each would bury.
std::vector<std::string> summarize_skipped(const std::vector<SkippedFile>& skipped);

}  // namespace nslab
