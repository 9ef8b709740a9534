#include "harness/result_writer.hpp"

#include <cmath>

namespace nslab {
namespace {

// Settings are text; the result file stores numbers and booleans as such.
Json typed_value(const std::string& text) {
  if (text == "true") return true;
  if (text == "false") return false;
  try {
    std::size_t used = 0;
    const long long integer = std::stoll(text, &used);
    if (used == text.size()) return integer;
    const double real = std::stod(text, &used);
    if (used == text.size()) return real;
  } catch (const std::logic_error&) {
  }
  return text;
}

Json finite_or_null(double value) { return std::isfinite(value) ? Json(value) : Json(nullptr); }

Json results_block(const CellRun& run) {
  const SamplerResult& result = run.result;
  Json results;
  results["log_evidence"] = finite_or_null(result.log_evidence);
  results["log_evidence_error"] = finite_or_null(result.log_evidence_error);
  results["log_evidence_error_method"] = result.log_evidence_error_method;
  results["max_log_likelihood"] = finite_or_null(result.max_log_likelihood);
  results["posterior_samples"] = result.posterior.count();
  results["effective_sample_size"] = result.summary.effective_sample_size;
  results["posterior_mean"] = result.summary.mean;
  results["posterior_std"] = result.summary.std;
  results["stopped_by"] = result.stopped_by;
  if (run.model.reference_log_evidence) results["reference_log_evidence"] = *run.model.reference_log_evidence;
  results["non_finite_log_likelihoods"] = result.counters.non_finite_log_likelihoods;
  results["non_finite_treated_as"] = "-inf";
  results["diagnostics"] = result.diagnostics;
  return results;
}

Json performance_block(const CellRun& run) {
  const SamplerResult& result = run.result;
  const auto& counters = result.counters;
  Json performance;
  performance["total_wall_s"] = run.total_wall_s;
  performance["sampler_wall_s"] = result.sampler_wall_s;
  performance["likelihood_wall_s"] = counters.likelihood_wall_s;
  performance["likelihood_evals"] = counters.likelihood_evals;
  performance["likelihood_calls"] = counters.likelihood_calls;
  performance["largest_batch"] = counters.largest_batch;
  performance["resumed_at_iteration"] = result.resumed_at_iteration;
  performance["processes"] = result.processes;
  performance["earlier_processes_sampler_wall_s"] = result.earlier_processes_sampler_wall_s;
  performance["time_per_eval_ms"] = run.time_per_eval_ms();
  performance["sampler_overhead_fraction"] = run.sampler_overhead_fraction();
  return performance;
}

Json memory_block(const MemoryRecord& record) {
  Json memory;
  memory["bytes_per_replica"] = record.model.bytes_per_replica;
  memory["fixed_overhead_bytes"] = record.model.fixed_overhead_bytes;
  memory["peak_device_bytes"] = record.device_peak.bytes;
  memory["peak_device_source"] = record.device_peak.source;
  if (!record.device_peak.note.empty()) memory["peak_device_note"] = record.device_peak.note;
  memory["peak_tracked_bytes"] = record.peak_tracked_bytes;
  memory["peak_rss_bytes"] = record.peak_rss_bytes;
  memory["predicted_peak_bytes"] = record.predicted_peak_bytes;
  if (!record.auto_batch_note.empty()) memory["auto_batch"] = record.auto_batch_note;
  return memory;
}

}  // namespace

Json result_document(const CellRun& run) {
  const CellId& cell = run.cell;
  Json config = Json::object();
  for (const auto& [key, value] : run.settings.values()) config[key] = typed_value(value);

  Json document;
  document["schema"] = "nslab.result/1";
  document["cell"] = cell.str();
  document["sampler"] = cell.sampler;
  document["dataset"] = cell.dataset;
  document["model"] = cell.model;
  document["instrument"] = cell.instrument;
  document["precision"] = to_string(cell.precision);
  document["batch_key"] = run.batch_key;
  document["config"] = config;
  document["model_summary"] = {{"free_parameters", run.model.priors.size()},
                               {"parameter_names", run.model.parameter_names},
                               {"priors", run.model.priors},
                               {"max_likelihood_parameters", run.result.max_likelihood_parameters}};
  document["results"] = results_block(run);
  document["performance"] = performance_block(run);
  document["memory"] = memory_block(run.memory);
  const DeviceInfo& device = run.device;
  document["device"] = {{"backend", device.backend},
                        {"name", device.name},
                        {"memory_bytes", device.memory_bytes},
                        {"driver", device.driver},
                        {"compute_capability", device.compute_capability},
                        {"short_name", device.short_name},
                        {"identity", device.identity.empty() ? device.name : device.identity}};
  const BuildInfo& build = run.build;
  document["build"] = {{"version", build.version}, {"git_sha", build.git_sha},
                       {"preset", build.preset},   {"compiler", build.compiler},
                       {"cuda", build.cuda},       {"build_type", build.build_type}};
  document["started_at"] = run.started_at;
  return document;
}

}  // namespace nslab
