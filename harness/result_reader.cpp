#include "harness/result_reader.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "cells/sampler_registry.hpp"
#include "core/atomic_file.hpp"
#include "core/error.hpp"

namespace nslab {
namespace {

using nlohmann::json;

std::optional<double> number_at(const json& document, const json::json_pointer& pointer) {
  if (!document.contains(pointer)) return std::nullopt;
  const json& value = document.at(pointer);
  if (!value.is_number()) return std::nullopt;
  return value.get<double>();
}

std::string text_at(const json& document, const json::json_pointer& pointer) {
  if (!document.contains(pointer) || !document.at(pointer).is_string()) return {};
  return document.at(pointer).get<std::string>();
}

std::string seed_from(const json& config) {
  if (!config.is_object() || !config.contains("seed")) return {};
  const json& seed = config.at("seed");
  return seed.is_string() ? seed.get<std::string>() : seed.dump();
}

std::optional<long long> batch_from(const json& config, const std::string& key) {
  if (!config.is_object() || !config.contains(key)) return std::nullopt;
  const json& value = config.at(key);
  if (value.is_number_integer()) return value.get<long long>();
  return std::nullopt;
}

ResultRow parse_nslab(const json& d, const std::string& path) {
  ResultRow row;
  row.path = path;
  row.layout = "nslab";
  for (const char* key : {"sampler", "dataset", "model", "instrument", "precision"})
    if (!d.contains(key) || !d[key].is_string())
      throw UsageError(path + ": nslab.result/1 file lacks \"" + key + "\"");
  row.sampler = d["sampler"];
  row.dataset = d["dataset"];
  row.model = d["model"];
  row.instrument = d["instrument"];
  row.precision = d["precision"];
  const json config = d.value("config", json::object());
  // The document names its batch key; files written before it did are
  // nslab's own samplers, whose registry knows it.
  row.batch_key = d.value("batch_key", std::string());
  if (row.batch_key.empty()) {
    if (!is_sampler_kind(row.sampler))
      throw UsageError(path + ": nslab.result/1 file of sampler '" + row.sampler + "' lacks \"batch_key\"");
    row.batch_key = sampler_kind(row.sampler).batch_key;
  }
  row.batch = batch_from(config, row.batch_key);
  row.seed = seed_from(config);
  if (config.contains("inversion") && config["inversion"].is_string()) row.inversion = config["inversion"];
  row.cell = text_at(d, "/cell"_json_pointer);
  if (row.cell.empty()) row.cell = row.sampler + "/" + row.group();
  row.device_name = text_at(d, "/device/name"_json_pointer);
  if (config.contains("dataset") && config["dataset"].is_string()) row.data = config["dataset"];
  row.device = text_at(d, "/device/short_name"_json_pointer);
  if (row.device.empty()) row.device = text_at(d, "/device/name"_json_pointer);
  if (text_at(d, "/device/backend"_json_pointer) == "cpu") row.device = "cpu";
  row.log_z = number_at(d, "/results/log_evidence"_json_pointer);
  row.log_z_error = number_at(d, "/results/log_evidence_error"_json_pointer);
  row.reference_log_z = number_at(d, "/results/reference_log_evidence"_json_pointer);
  row.max_log_l = number_at(d, "/results/max_log_likelihood"_json_pointer);
  row.evals = number_at(d, "/performance/likelihood_evals"_json_pointer);
  row.time_per_eval_ms = number_at(d, "/performance/time_per_eval_ms"_json_pointer);
  row.total_wall_s = number_at(d, "/performance/total_wall_s"_json_pointer);
  row.sampler_wall_s = number_at(d, "/performance/sampler_wall_s"_json_pointer);
  row.peak_device_bytes = number_at(d, "/memory/peak_device_bytes"_json_pointer);
  row.peak_tracked_bytes = number_at(d, "/memory/peak_tracked_bytes"_json_pointer);
  row.bytes_per_replica = number_at(d, "/memory/bytes_per_replica"_json_pointer);
  row.fixed_overhead_bytes = number_at(d, "/memory/fixed_overhead_bytes"_json_pointer);
  row.largest_batch = number_at(d, "/performance/largest_batch"_json_pointer);
  row.peak_source = text_at(d, "/memory/peak_device_source"_json_pointer);
  row.peak_note = text_at(d, "/memory/peak_device_note"_json_pointer);
  row.stopped_by = text_at(d, "/results/stopped_by"_json_pointer);
  row.processes = number_at(d, "/performance/processes"_json_pointer);
  return row;
}

// autolens_profiling/results/searches/<sampler>/<dataset>/<model>/<instrument>/<config>.json
ResultRow parse_autolens_profiling(const json& d, const std::string& path) {
  ResultRow row;
  row.path = path;
  row.layout = "autolens_profiling";
  row.sampler = "af-" + d.value("sampler", std::string("?"));
  row.dataset = d.value("dataset_class", std::string("?"));
  row.model = d.value("model", std::string("?"));
  row.instrument = d.value("instrument", std::string("?"));
  const std::string config_name = d.value("config_name", std::string());
  row.precision = config_name.find("fp32") != std::string::npos ? "fp32" : "fp64";
  std::string smi = text_at(d, "/device/nvidia_smi"_json_pointer);
  row.device = smi.empty() ? text_at(d, "/device/backend"_json_pointer) : smi.substr(0, smi.find(','));
  row.device_name = row.device;
  row.cell = row.sampler + "/" + row.group();
  // "NAME, USED MiB, TOTAL MiB": what the device held when the search
  // wrote its summary, after the fit (not a high-water mark).
  if (const auto first = smi.find(", "); first != std::string::npos) {
    double used_mib = 0;
    if (std::sscanf(smi.c_str() + first + 2, "%lf MiB", &used_mib) == 1) {
      row.peak_device_bytes = used_mib * 1024.0 * 1024.0;
      row.peak_source = "nvidia-smi used";
    }
  }
  const json config = d.value("sampler_config", json::object());
  row.batch_key = row.sampler == "af-nautilus" ? "n_batch" : "chunk_size";
  row.batch = batch_from(config, row.batch_key);
  row.seed = seed_from(config);
  row.log_z = number_at(d, "/results/log_evidence"_json_pointer);
  row.max_log_l = number_at(d, "/results/max_log_likelihood"_json_pointer);
  row.evals = number_at(d, "/performance/likelihood_evals"_json_pointer);
  row.time_per_eval_ms = number_at(d, "/performance/time_per_eval_ms"_json_pointer);
  row.total_wall_s = number_at(d, "/performance/total_wall_s"_json_pointer);
  row.sampler_wall_s = number_at(d, "/performance/sampler_wall_s"_json_pointer);
  return row;
}

}  // namespace

ResultRow parse_result(const json& document, const std::string& path) {
  if (!document.is_object()) throw UsageError(path + ": not a result file (not a JSON object)");
  if (document.contains("schema")) {
    const json& schema = document["schema"];
    if (schema == "nslab.result/1") return parse_nslab(document, path);
    throw UsageError(path + ": result schema " + schema.dump() + " is not nslab.result/1");
  }
  if (document.contains("dataset_class") && document.contains("sampler_config"))
    return parse_autolens_profiling(document, path);
  throw UsageError(path + ": not a result file (no \"schema\", not autolens_profiling's layout)");
}

std::vector<ResultRow> read_results(const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  // Files named on the command line must be result files; files found in a
  // folder may be other JSON (a peer's calibration, a test log) and are
  // skipped with a note. Unparsable JSON is refused either way: a result file
  // truncated by a crash must not silently drop out of a table.
  struct Candidate {
    std::string path;
    bool named;
  };
  std::vector<Candidate> files;
  for (const auto& path : paths) {
    if (fs::is_directory(path)) {
      std::vector<std::string> found;
      for (const auto& entry : fs::recursive_directory_iterator(path))
        if (entry.is_regular_file() && entry.path().extension() == ".json")
          found.push_back(entry.path().string());
      std::sort(found.begin(), found.end());
      for (auto& file : found) files.push_back({file, false});
    } else if (fs::exists(path)) {
      files.push_back({path, true});
    } else {
      throw UsageError("no such result file or folder: " + path);
    }
  }
  std::vector<ResultRow> rows;
  std::vector<SkippedFile> skipped;
  for (const auto& file : files) {
    json document;
    try {
      document = json::parse(read_file(file.path));
    } catch (const json::parse_error& error) {
      throw UsageError(file.path + ": not valid JSON (truncated?): " + error.what());
    }
    try {
      rows.push_back(parse_result(document, file.path));
    } catch (const UsageError& error) {
      if (file.named) throw;
      std::string reason = error.what();
      const std::string prefix = file.path + ": ";
      if (reason.compare(0, prefix.size(), prefix) == 0) reason.erase(0, prefix.size());
      skipped.push_back({file.path, reason});
    }
  }
  for (const auto& line : summarize_skipped(skipped)) std::fprintf(stderr, "nslab: %s\n", line.c_str());
  return rows;
}

std::vector<std::string> summarize_skipped(const std::vector<SkippedFile>& skipped) {
  struct Group {
    std::string reason, first;
    std::size_t count = 0;
  };
  std::vector<Group> groups;
  for (const auto& file : skipped) {
    auto group = std::find_if(groups.begin(), groups.end(),
                              [&](const Group& g) { return g.reason == file.reason; });
    if (group == groups.end()) group = groups.insert(groups.end(), Group{file.reason, file.path});
    ++group->count;
  }
  std::vector<std::string> lines;
  for (const auto& g : groups)
    lines.push_back(g.count == 1 ? "skipped " + g.first + ": " + g.reason
                                 : "skipped " + std::to_string(g.count) + " files: " + g.reason +
                                       " (first: " + g.first + ")");
  return lines;
}

}  // namespace nslab
