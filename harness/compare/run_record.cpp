#include "harness/compare/run_record.hpp"

#include "core/atomic_file.hpp"

namespace nslab {
namespace {

using nlohmann::json;

std::string as_text(const json& value) { return value.is_string() ? value.get<std::string>() : value.dump(); }

std::vector<double> numbers(const json& document, const json::json_pointer& pointer) {
  std::vector<double> out;
  if (!document.contains(pointer) || !document.at(pointer).is_array()) return out;
  for (const json& value : document.at(pointer)) {
    if (!value.is_number()) return {};
    out.push_back(value.get<double>());
  }
  return out;
}

}  // namespace

RunRecord run_record_from(const json& document, const std::string& path) {
  RunRecord record;
  record.row = parse_result(document, path);
  const ResultRow& row = record.row;
  record.cell = row.sampler + "/" + row.dataset + "/" + row.model + "/" + row.instrument + "/" + row.precision;
  const bool autolens_profiling = row.layout == "autolens_profiling";
  const json config = document.value(autolens_profiling ? "sampler_config" : "config", json::object());
  if (config.is_object())
    for (const auto& [key, value] : config.items()) record.settings[key] = as_text(value);
  if (const auto seed = record.settings.find("seed"); seed != record.settings.end()) record.seed = seed->second;
  if (!autolens_profiling) {
    const json names = document.value("model_summary", json::object()).value("parameter_names", json::array());
    for (const json& name : names)
      if (name.is_string()) record.parameter_names.push_back(name.get<std::string>());
    record.posterior_mean = numbers(document, "/results/posterior_mean"_json_pointer);
    record.posterior_std = numbers(document, "/results/posterior_std"_json_pointer);
  }
  if (document.contains("notes") && document["notes"].is_string()) record.notes = document["notes"];
  const json build = document.value("build", json::object());
  if (build.is_object() && build.contains("git_sha")) record.build = as_text(build["git_sha"]);
  else if (document.contains("version")) record.build = as_text(document["version"]);
  else if (build.is_object() && build.contains("autolens")) record.build = "autolens " + as_text(build["autolens"]);
  return record;
}

std::vector<RunRecord> read_run_records(const std::vector<std::string>& paths) {
  // read_results walks the folders and refuses what is not a result file;
  // each file it accepts is read once more for the fields a table row lacks.
  std::vector<RunRecord> records;
  for (const ResultRow& row : read_results(paths))
    records.push_back(run_record_from(json::parse(read_file(row.path)), row.path));
  return records;
}

}  // namespace nslab
