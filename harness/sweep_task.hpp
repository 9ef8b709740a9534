#pragma once
// One run of a sweep as a child process: `nslab run CELL --resume ...` with
// the run's settings, result and checkpoint paths, its output appended to
// <result>.log. Beside the result it keeps a running marker while the child
// lives and a failure record when it fails, so the state of every run can be
// read from the files alone (docs/sweeps.md). Everything is per result path.
#include <sys/types.h>

#include <cstddef>
#include <optional>
#include <string>

#include "harness/sweep_manifest.hpp"

namespace nslab {

enum class RunState { kDone, kRunning, kFailed, kPending };
const char* to_string(RunState state);

struct RunStatus {
  RunState state = RunState::kPending;
  std::string detail;  // the failure's message, where it runs, what it resumes from
};

// From the run's result, running marker, failure record and checkpoint.
RunStatus run_status(const SweepManifest& manifest, const SweepRun& run);

// For a run with its result: removes a failure record of an earlier attempt
// and a running marker whose process on this host is gone (left by a sweep
// killed between its run's end and its own bookkeeping).
void tidy_done_run(const SweepManifest& manifest, const SweepRun& run);

struct TaskOptions {
  std::size_t checkpoint_every = 10;
  std::string cuda_visible_devices;    // the child's CUDA_VISIBLE_DEVICES; "" leaves it as it is
  std::optional<std::size_t> threads;  // threads=N, unless the run's own settings name threads
};

struct StartedRun {
  pid_t pid = -1;
  double started_s = 0;        // steady clock, for the run's wall time
  std::size_t log_offset = 0;  // where this attempt's output starts in the log
  bool resuming = false;       // a checkpoint was there to resume
};

// Starts the child (it dies with this process: PR_SET_PDEATHSIG) and writes
// the running marker. Throws RunError when the child cannot be started.
StartedRun start_run(const SweepManifest& manifest, const SweepRun& run, const TaskOptions& options);

struct RunOutcome {
  bool succeeded = false;
  int exit_status = 0;  // the child's, or 128 + signal
  std::string message;  // one line: what happened
};

// After the child has ended with `wait_status` (waitpid's): removes the
// marker; on success removes an old failure record, otherwise writes one
// (`interrupted` when this sweep was asked to stop, so the run is not a
// failure of its own but waits to resume).
RunOutcome finish_run(const SweepManifest& manifest, const SweepRun& run, const StartedRun& started,
                      int wait_status, bool interrupted);

// SIGINT, SIGTERM and SIGHUP are passed on to the children registered here
// and remembered, so a stopped sweep stops its runs and records them.
void forward_stop_signals_to_children();
void register_child(pid_t pid);
void unregister_child(pid_t pid);
int stop_signal_received();  // 0 when none

}  // namespace nslab
