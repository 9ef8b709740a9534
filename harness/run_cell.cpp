#include "harness/run_cell.hpp"

#include <chrono>
#include <cstdio>

#include "build_info.hpp"
#include "cells/cell_catalog.hpp"
#include "cells/likelihood_registry.hpp"
#include "cells/sampler_registry.hpp"
#include "core/backend.hpp"
#include "core/error.hpp"
#include "core/host_memory.hpp"
#include "core/memory_meter.hpp"
#include "core/thread_pool.hpp"
#include "harness/cupti_peak_memory.hpp"
#include "harness/device_info_cuda.hpp"
#include "harness/progress_printer.hpp"
#include "harness/result_tables.hpp"

namespace nslab {
namespace {

// What a checkpoint must share with the run resuming it: the build and every
// setting that changes results (threads and the wall-time budget do not).
std::string checkpoint_fingerprint(const CellId& cell, const Settings& settings) {
  std::string fingerprint = std::string(build_info::kVersion) + " " + build_info::kGitSha + " " +
                            build_info::kBuildType + " " + cell.str();
  for (const auto& [key, value] : settings.values())
    if (key != "threads" && key != "max_wall_s") fingerprint += " " + key + "=" + value;
  return fingerprint;
}

// The live points alone (coordinates, log L and one more double each) must
// fit in host memory: a slip like n_live=1e9 is refused before it allocates.
void check_live_points_fit(const Settings& settings, std::size_t dim) {
  const std::size_t n_live = settings.count("n_live");
  const double bytes = 8.0 * static_cast<double>(n_live) * static_cast<double>(dim + 2);
  const HostMemoryRoom room = host_memory_room();
  if (bytes > static_cast<double>(room.bytes))
    throw UsageError("n_live=" + std::to_string(n_live) + " needs at least " + format_bytes(bytes) +
                     " of host memory for its live points; this process may take " +
                     format_bytes(static_cast<double>(room.bytes)) + " more (" + room.bound + ")");
}

}  // namespace

std::string default_result_path(const CellId& cell, const std::string& device_short_name,
                                const std::string& root) {
  return root + "/" + cell.path_without_precision() + "/" + device_short_name + "_" +
         to_string(cell.precision) + ".json";
}

DeviceInfo device_info_for_backend(const std::string& backend) {
  return parse_backend(backend) == Backend::kCuda ? cuda_device_info() : cpu_device_info();
}

double CellRun::time_per_eval_ms() const {
  const std::size_t evals = result.counters.likelihood_evals;
  return evals ? 1000.0 * result.sampler_wall_s / evals : 0.0;
}

double CellRun::sampler_overhead_fraction() const {
  return result.sampler_wall_s > 0 ? 1.0 - result.counters.likelihood_wall_s / result.sampler_wall_s : 0.0;
}

CellRun run_cell(const CellId& cell, const RunOptions& options) {
  CellRun run;
  run.cell = cell;
  Settings settings = resolve_settings(cell, options.overrides);
  const std::size_t requested_threads = settings.count("threads");
  const std::size_t threads = set_default_threads(requested_threads);
  if (requested_threads > threads) {  // the result file records the threads used
    std::fprintf(stderr, "nslab: threads=%zu capped at %zu, the CPUs this process may use\n",
                 requested_threads, threads);
    settings.set("threads", std::to_string(threads));
  }
  run.device = device_info_for_backend(settings.text("backend"));
  // Records from before the likelihood allocates, so its fixed data counts too.
  DevicePeakMonitor device_peak_monitor(run.device.backend == "cuda");
  const auto likelihood = make_likelihood(cell, settings);
  const SamplerKind& sampler = sampler_kind(cell.sampler);
  run.batch_key = sampler.batch_key;
  check_live_points_fit(settings, likelihood->dim());

  MemoryMeter& meter = likelihood->workspace_allocator().meter();
  MemoryRecord& memory = run.memory;
  memory.model = {likelihood->bytes_per_replica(), meter.current_bytes()};
  const std::size_t largest_useful = sampler.largest_useful_batch(settings);
  memory.auto_batch_note =
      resolve_auto_batch(settings, sampler.batch_key, memory.model,
                         likelihood->workspace_allocator().available_bytes(), largest_useful);
  // With the batch knob unset, everything a step fans out is in flight at once.
  const bool batch_unset = !settings.has(sampler.batch_key) || settings.text(sampler.batch_key) == "none";
  memory.predicted_peak_bytes =
      memory.model.predicted_peak(batch_unset ? largest_useful : settings.count(sampler.batch_key));
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

  run.started_at = utc_now_iso8601();
  const auto start = std::chrono::steady_clock::now();
  run.result = sampler.run(*likelihood, settings, control);
  memory.device_peak = device_peak_monitor.finish(meter.peak_bytes());
  // A resumed run's earlier processes count with their sampler walls (setup
  // is outside total_wall_s in every process), not the calendar between them.
  run.total_wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() +
                     run.result.earlier_processes_sampler_wall_s;
  memory.peak_tracked_bytes = meter.peak_bytes();
  memory.peak_rss_bytes = peak_rss_bytes();

  run.model.parameter_names = likelihood->parameter_names();
  for (std::size_t i = 0; i < likelihood->dim(); ++i) run.model.priors.push_back(likelihood->prior()[i].describe());
  run.model.reference_log_evidence = likelihood->reference_log_evidence();
  run.settings = std::move(settings);
  run.build = this_build();
  return run;
}

}  // namespace nslab
