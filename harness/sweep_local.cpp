#include "harness/sweep_local.hpp"

#include <sys/wait.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

#include "cells/cell_catalog.hpp"
#include "core/error.hpp"
#include "harness/device_info_cuda.hpp"
#include "harness/sweep_task.hpp"

namespace nslab {
namespace {

bool uses_cuda(const SweepRun& run) { return resolve_settings(run.cell, run.settings).text("backend") == "cuda"; }

std::string describe(const SweepRun& run) {
  const std::string settings = settings_text(run.settings);
  return std::to_string(run.id) + " " + run.cell.str() + (settings.empty() ? "" : " " + settings);
}

// waitpid that goes on after a stop signal interrupted it.
pid_t wait_for_child(pid_t pid, int& status) {
  for (;;) {
    const pid_t ended = waitpid(pid, &status, 0);
    if (ended >= 0 || errno != EINTR) return ended;
  }
}

std::size_t positive_env(const char* name) {
  const char* text = std::getenv(name);
  if (!text) return 0;
  char* end = nullptr;
  const unsigned long value = std::strtoul(text, &end, 10);
  return end && *end == '\0' ? value : 0;
}

}  // namespace

std::vector<std::string> visible_gpus() {
  std::vector<std::string> gpus;
  if (const char* listed = std::getenv("CUDA_VISIBLE_DEVICES")) {
    std::stringstream entries(listed);
    for (std::string entry; std::getline(entries, entry, ',');)
      if (!entry.empty()) gpus.push_back(entry);
    return gpus;
  }
  for (int i = 0; i < visible_cuda_device_count(); ++i) gpus.push_back(std::to_string(i));
  return gpus;
}

int run_sweep_locally(const SweepManifest& manifest, std::size_t jobs, std::size_t checkpoint_every) {
  if (jobs == 0) throw UsageError("--local needs at least 1 run at once");
  const std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
  if (jobs > cores) {
    std::cerr << "sweep: --local " << jobs << " is more than this machine's " << cores << " cores; running "
              << cores << " at once\n";
    jobs = cores;
  }
  struct Waiting {
    const SweepRun* run;
    bool cuda;
  };
  std::vector<Waiting> waiting;
  std::size_t done_before = 0, running_elsewhere = 0, cuda_runs = 0;
  for (const auto& run : manifest.runs) {
    const RunStatus status = run_status(manifest, run);
    if (status.state == RunState::kDone) {
      tidy_done_run(manifest, run);
      ++done_before;
    } else if (status.state == RunState::kRunning) {
      ++running_elsewhere;
      std::cout << "[skip]   " << describe(run) << ": running already (" << status.detail << ")\n";
    } else {
      waiting.push_back({&run, uses_cuda(run)});
      cuda_runs += waiting.back().cuda;
    }
  }
  std::vector<std::string> free_gpus = visible_gpus();
  if (cuda_runs > 0 && free_gpus.empty())
    throw UsageError(manifest.path + ": " + std::to_string(cuda_runs) +
                     " runs use backend=cuda and this machine has no CUDA device for them");
  // CPU runs share the cores; a run's own threads setting wins.
  const std::size_t threads_per_run = std::max<std::size_t>(1, cores / jobs);
  std::cout << "sweep: " << manifest.runs.size() << " runs, " << done_before << " done already, "
            << waiting.size() << " to run, " << jobs << " at once (threads=" << threads_per_run
            << " per CPU run" << (cuda_runs ? ", " + std::to_string(free_gpus.size()) + " GPUs" : "") << ")\n"
            << std::flush;

  forward_stop_signals_to_children();
  struct Active {
    const SweepRun* run;
    StartedRun started;
    std::string gpu;
  };
  std::map<pid_t, Active> active;
  std::size_t finished = 0, failed = 0;
  while (true) {
    while (!stop_signal_received() && active.size() < jobs) {
      auto next = std::find_if(waiting.begin(), waiting.end(),
                               [&](const Waiting& w) { return !w.cuda || !free_gpus.empty(); });
      if (next == waiting.end()) break;
      TaskOptions options;
      options.checkpoint_every = checkpoint_every;
      std::string gpu;
      if (next->cuda) {
        gpu = free_gpus.back();
        free_gpus.pop_back();
        options.cuda_visible_devices = gpu;
      } else {
        options.threads = threads_per_run;
      }
      const StartedRun started = start_run(manifest, *next->run, options);
      register_child(started.pid);
      std::cout << "[start]  " << describe(*next->run) << (gpu.empty() ? "" : " on GPU " + gpu)
                << (started.resuming ? " (resuming its checkpoint)" : "") << "\n"
                << std::flush;
      active.emplace(started.pid, Active{next->run, started, gpu});
      waiting.erase(next);
    }
    if (active.empty()) break;
    int status = 0;
    const pid_t ended = wait_for_child(-1, status);
    if (ended < 0) throw RunError("sweep: lost track of its runs (waitpid failed)");
    const auto found = active.find(ended);
    if (found == active.end()) continue;
    unregister_child(ended);
    const Active entry = found->second;
    active.erase(found);
    if (!entry.gpu.empty()) free_gpus.push_back(entry.gpu);
    const RunOutcome outcome = finish_run(manifest, *entry.run, entry.started, status, stop_signal_received() != 0);
    (outcome.succeeded ? finished : failed) += 1;
    std::cout << (outcome.succeeded ? "[done]   " : "[failed] ") << describe(*entry.run) << ": "
              << outcome.message << "\n"
              << std::flush;
  }
  if (const int signal = stop_signal_received()) {
    std::cout << "sweep: stopped by signal " << signal << "; " << finished << " runs finished meanwhile. "
              << "Start the same command again to continue (runs resume from their checkpoints).\n";
    return 128 + signal;
  }
  std::size_t with_results = 0;
  for (const auto& run : manifest.runs) with_results += run_status(manifest, run).state == RunState::kDone;
  std::cout << "sweep: " << finished << " finished, " << failed << " failed"
            << (running_elsewhere ? ", " + std::to_string(running_elsewhere) + " running elsewhere" : "") << "; "
            << with_results << " of " << manifest.runs.size() << " runs have results"
            << (failed ? " (nslab sweep " + manifest.path + " --status lists the failures)" : "") << "\n";
  return failed || with_results < manifest.runs.size() ? 1 : 0;
}

int run_sweep_task(const SweepManifest& manifest, std::size_t id, std::size_t checkpoint_every) {
  const SweepRun& run = manifest.run_with_id(id);
  const RunStatus status = run_status(manifest, run);
  if (status.state == RunState::kDone) {
    tidy_done_run(manifest, run);
    std::cout << "run " << describe(run) << ": has its result already (" << status.detail << ")\n";
    return 0;
  }
  if (status.state == RunState::kRunning)
    throw UsageError("run " + std::to_string(id) + " is running already (" + status.detail + ")");
  TaskOptions options;
  options.checkpoint_every = checkpoint_every;
  // Inside a SLURM task the run uses the CPUs the task was given.
  if (const std::size_t cpus = positive_env("SLURM_CPUS_PER_TASK")) options.threads = cpus;
  forward_stop_signals_to_children();
  const StartedRun started = start_run(manifest, run, options);
  register_child(started.pid);
  std::cout << "run " << describe(run) << ": started" << (started.resuming ? ", resuming its checkpoint" : "")
            << "\n"
            << std::flush;
  int wait_status = 0;
  if (wait_for_child(started.pid, wait_status) < 0) throw RunError("sweep: lost track of its run (waitpid failed)");
  unregister_child(started.pid);
  const RunOutcome outcome = finish_run(manifest, run, started, wait_status, stop_signal_received() != 0);
  std::cout << "run " << describe(run) << ": " << outcome.message << "\n";
  if (outcome.succeeded) return 0;
  return outcome.exit_status != 0 ? outcome.exit_status : kExitRunFailed;
}

}  // namespace nslab
