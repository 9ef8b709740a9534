#include "harness/run_cell.hpp"

#include <chrono>
#include <cmath>
#include <limits>

#include "build_info.hpp"
#include "cells/cell_catalog.hpp"
#include "cells/likelihood_registry.hpp"
#include "cells/memory_model.hpp"
#include "cells/sampler_registry.hpp"
#include "core/error.hpp"
#include "core/memory_meter.hpp"
#include "core/thread_pool.hpp"
#include "harness/cupti_peak_memory.hpp"
#include "harness/device_info_cuda.hpp"
#include "harness/progress_printer.hpp"

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

// What a checkpoint must share with the run resuming it: the build and every
// setting that changes results (threads and the wall-time budget do not).
std::string checkpoint_fingerprint(const CellId& cell, const Settings& settings) {
  std::string fingerprint = std::string(build_info::kVersion) + " " + build_info::kGitSha + " " +
                            build_info::kBuildType + " " + cell.str();
  for (const auto& [key, value] : settings.values())
    if (key != "threads" && key != "max_wall_s") fingerprint += " " + key + "=" + value;
  return fingerprint;
}

}  // namespace

std::string default_result_path(const CellId& cell, const std::string& device_short_name,
                                const std::string& root) {
  return root + "/" + cell.path_without_precision() + "/" + device_short_name + "_" +
         to_string(cell.precision) + ".json";
}

DeviceInfo device_info_for_backend(const std::string& backend) {
  if (backend == "cpu") return cpu_device_info();
  if (backend == "cuda") return cuda_device_info();  // UsageError in a build without CUDA
  throw UsageError("backend '" + backend + "' is unknown (use backend=cpu or backend=cuda)");
}

Json run_cell(const CellId& cell, const RunOptions& options) {
  Settings settings = resolve_settings(cell, options.overrides);
  set_default_threads(settings.count("threads"));
  const DeviceInfo device = device_info_for_backend(settings.text("backend"));
  // Records from before the likelihood allocates, so its fixed data counts too.
  DevicePeakMonitor device_peak_monitor(device.backend == "cuda");
  const auto likelihood = likelihood_family(cell.family()).make(cell, settings);
  const SamplerKind& sampler = sampler_kind(cell.sampler);

  MemoryMeter& meter = likelihood->workspace_allocator().meter();
  const std::size_t fixed_bytes = meter.current_bytes();
  const MemoryModel memory_model{likelihood->bytes_per_replica(), fixed_bytes};
  const std::string auto_batch_note = resolve_auto_batch(
      settings, sampler.batch_key, memory_model, likelihood->workspace_allocator().available_bytes(),
      sampler.largest_useful_batch ? sampler.largest_useful_batch(settings)
                                   : std::numeric_limits<std::size_t>::max());
  meter.reset_peak();
  host_memory_meter().reset_peak();
  device_peak_monitor.begin_window();

  ProgressPrinter printer(cell.str(), options.quiet);
  RunControl control;
  control.progress = [&](const SamplerProgress& progress) { printer.report(progress); };
  control.checkpoint_path = options.checkpoint_path;
  control.checkpoint_every = options.checkpoint_every;
  control.resume = options.resume;
  control.fingerprint = checkpoint_fingerprint(cell, settings);

  const std::string started_at = utc_now_iso8601();
  const auto start = std::chrono::steady_clock::now();
  const SamplerResult result = sampler.run(*likelihood, settings, control);
  const DevicePeak device_peak = device_peak_monitor.finish(meter.peak_bytes());
  const double total_wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  Json config = Json::object();
  for (const auto& [key, value] : settings.values()) config[key] = typed_value(value);

  Json priors = Json::array();
  for (std::size_t i = 0; i < likelihood->dim(); ++i) priors.push_back(likelihood->prior()[i].describe());

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
  if (const auto reference = likelihood->reference_log_evidence())
    results["reference_log_evidence"] = *reference;
  results["non_finite_log_likelihoods"] = result.counters.non_finite_log_likelihoods;
  results["non_finite_treated_as"] = "-inf";
  results["diagnostics"] = result.diagnostics;

  const auto& counters = result.counters;
  Json performance;
  performance["total_wall_s"] = total_wall_s;
  performance["sampler_wall_s"] = result.sampler_wall_s;
  performance["likelihood_wall_s"] = counters.likelihood_wall_s;
  performance["likelihood_evals"] = counters.likelihood_evals;
  performance["likelihood_calls"] = counters.likelihood_calls;
  performance["largest_batch"] = counters.largest_batch;
  performance["resumed_at_iteration"] = result.resumed_at_iteration;
  performance["time_per_eval_ms"] =
      counters.likelihood_evals ? 1000.0 * result.sampler_wall_s / counters.likelihood_evals : 0.0;
  performance["sampler_overhead_fraction"] =
      result.sampler_wall_s > 0 ? 1.0 - counters.likelihood_wall_s / result.sampler_wall_s : 0.0;

  Json memory;
  memory["bytes_per_replica"] = likelihood->bytes_per_replica();
  memory["fixed_overhead_bytes"] = fixed_bytes;
  memory["peak_device_bytes"] = device_peak.bytes;
  memory["peak_device_source"] = device_peak.source;
  if (!device_peak.note.empty()) memory["peak_device_note"] = device_peak.note;
  memory["peak_tracked_bytes"] = meter.peak_bytes();
  memory["peak_rss_bytes"] = peak_rss_bytes();
  // With the batch knob unset, everything a step fans out is in flight at once.
  const bool batch_unset = !settings.has(sampler.batch_key) || settings.text(sampler.batch_key) == "none";
  if (!batch_unset) memory["predicted_peak_bytes"] = memory_model.predicted_peak(settings.count(sampler.batch_key));
  else if (sampler.largest_useful_batch)
    memory["predicted_peak_bytes"] = memory_model.predicted_peak(sampler.largest_useful_batch(settings));
  if (!auto_batch_note.empty()) memory["auto_batch"] = auto_batch_note;

  Json document;
  document["schema"] = "nslab.result/1";
  document["cell"] = cell.str();
  document["sampler"] = cell.sampler;
  document["dataset"] = cell.dataset;
  document["model"] = cell.model;
  document["instrument"] = cell.instrument;
  document["precision"] = to_string(cell.precision);
  document["config"] = config;
  document["model_summary"] = {{"free_parameters", likelihood->dim()},
                               {"parameter_names", likelihood->parameter_names()},
                               {"priors", priors},
                               {"max_likelihood_parameters", result.max_likelihood_parameters}};
  document["results"] = results;
  document["performance"] = performance;
  document["memory"] = memory;
  document["device"] = {{"backend", device.backend},
                        {"name", device.name},
                        {"memory_bytes", device.memory_bytes},
                        {"driver", device.driver},
                        {"compute_capability", device.compute_capability},
                        {"short_name", device.short_name}};
  document["build"] = {{"version", build_info::kVersion},
                       {"git_sha", build_info::kGitSha},
                       {"preset", build_info::kPreset},
                       {"compiler", build_info::kCompiler},
                       {"cuda", build_info::kCudaCompiler},
                       {"build_type", build_info::kBuildType}};
  document["started_at"] = started_at;
  return document;
}

}  // namespace nslab
