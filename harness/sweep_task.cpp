#include "harness/sweep_task.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/signal_name.hpp"
#include "harness/run_naming.hpp"
#include "harness/system_info.hpp"

namespace nslab {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

double steady_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string host_name() {
  char name[256] = {};
  return gethostname(name, sizeof name - 1) == 0 ? name : "unknown-host";
}

std::string self_binary() {
  std::error_code error;
  const fs::path self = fs::read_symlink("/proc/self/exe", error);
  if (error) throw RunError("sweep: cannot find this nslab binary (/proc/self/exe): " + error.message());
  return self.string();
}

// "1234_5" inside a SLURM array task, "1234" inside a plain job, "" outside.
std::string slurm_job() {
  const char* array = std::getenv("SLURM_ARRAY_JOB_ID");
  const char* task = std::getenv("SLURM_ARRAY_TASK_ID");
  if (array && task) return std::string(array) + "_" + task;
  const char* job = std::getenv("SLURM_JOB_ID");
  return job ? job : "";
}

Json read_json_or_null(const std::string& path) {
  std::ifstream in(path);
  if (!in) return nullptr;
  try {
    return Json::parse(in);
  } catch (const Json::exception&) {
    return nullptr;
  }
}

// The child of a running marker on this host still runs this run.
bool marker_process_alive(const Json& marker, const std::string& result_path) {
  if (!marker.is_object() || marker.value("host", "") != host_name()) return false;
  const pid_t pid = marker.value("pid", -1);
  if (pid <= 0 || (kill(pid, 0) != 0 && errno != EPERM)) return false;
  // A recycled pid would be another program: its command line names no result of ours.
  std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline");
  const std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return cmdline.find(fs::path(result_path).filename().string()) != std::string::npos;
}

std::string last_line_from(const std::string& log_path, std::size_t offset) {
  std::ifstream in(log_path);
  in.seekg(static_cast<std::streamoff>(offset));
  std::string last;
  for (std::string line; std::getline(in, line);)
    if (line.find_first_not_of(" \t\r") != std::string::npos) last = line;
  return last;
}

std::string checkpoint_note(const std::string& checkpoint) {
  return fs::exists(checkpoint) ? "resumes from its checkpoint" : "starts afresh (no checkpoint)";
}

// The pids a stop signal is passed on to (a fixed array: the handler may not allocate).
constexpr std::size_t kMostChildren = 1024;
std::array<volatile pid_t, kMostChildren> g_children{};
volatile sig_atomic_t g_stop_signal = 0;

void on_stop_signal(int signal) {
  g_stop_signal = signal;
  for (auto& child : g_children)
    if (child > 0) kill(child, signal);
}

}  // namespace

const char* to_string(RunState state) {
  switch (state) {
    case RunState::kDone: return "done";
    case RunState::kRunning: return "running";
    case RunState::kFailed: return "failed";
    case RunState::kPending: return "pending";
  }
  return "?";
}

RunStatus run_status(const SweepManifest& manifest, const SweepRun& run) {
  const std::string result = manifest.resolve(run.result_path);
  const std::string checkpoint = manifest.resolve(run.checkpoint_path);
  if (fs::exists(result)) return {RunState::kDone, result};
  const Json marker = read_json_or_null(running_marker_path_for(result));
  if (marker.is_object()) {
    const std::string host = marker.value("host", "?"), since = marker.value("started_at", "?");
    const std::string job = marker.value("slurm_job", "");
    const std::string where = "pid " + std::to_string(marker.value("pid", -1)) + " on " + host + " since " +
                              since + (job.empty() ? "" : ", SLURM job " + job);
    if (host != host_name()) return {RunState::kRunning, where + " (another host: not checked from here)"};
    if (marker_process_alive(marker, result)) return {RunState::kRunning, where};
  }
  const Json failure = read_json_or_null(failure_record_path_for(result));
  if (failure.is_object()) {
    const std::string what = failure.value("message", "failed") + " (" + failure.value("host", "?") + ", " +
                             failure.value("finished_at", "?") + ", attempt " +
                             std::to_string(failure.value("attempts", 1)) + ")";
    if (failure.value("interrupted", false)) return {RunState::kPending, what + "; " + checkpoint_note(checkpoint)};
    return {RunState::kFailed, what};
  }
  if (marker.is_object())
    return {RunState::kPending, "interrupted: its process on " + marker.value("host", "?") + " is gone; " +
                                    checkpoint_note(checkpoint)};
  return {RunState::kPending, fs::exists(checkpoint) ? checkpoint_note(checkpoint) : ""};
}

void tidy_done_run(const SweepManifest& manifest, const SweepRun& run) {
  const std::string result = manifest.resolve(run.result_path);
  if (!fs::exists(result)) return;
  std::error_code ignored;
  fs::remove(failure_record_path_for(result), ignored);
  const std::string marker_path = running_marker_path_for(result);
  const Json marker = read_json_or_null(marker_path);
  if (marker.is_object() && marker.value("host", "") == host_name() && !marker_process_alive(marker, result))
    fs::remove(marker_path, ignored);
}

StartedRun start_run(const SweepManifest& manifest, const SweepRun& run, const TaskOptions& options) {
  const std::string result = manifest.resolve(run.result_path);
  const std::string checkpoint = manifest.resolve(run.checkpoint_path);
  const std::string log_path = run_log_path_for(result);
  if (const fs::path folder = fs::path(result).parent_path(); !folder.empty()) fs::create_directories(folder);

  std::vector<std::string> arguments = {self_binary(), "run", run.cell.str(), "--quiet", "--resume",
                                        "--out", result, "--checkpoint", checkpoint,
                                        "--checkpoint-every", std::to_string(options.checkpoint_every)};
  for (const auto& [key, value] : run.settings) arguments.insert(arguments.end(), {"--set", key + "=" + value});
  if (options.threads && !run.settings.count("threads"))
    arguments.insert(arguments.end(), {"--set", "threads=" + std::to_string(*options.threads)});

  StartedRun started;
  started.resuming = fs::exists(checkpoint);
  started.started_s = steady_seconds();
  const int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log < 0) throw RunError("sweep: cannot open " + log_path + ": " + std::strerror(errno));
  const std::string header = "== " + utc_now_iso8601() + " on " + host_name() +
                             (slurm_job().empty() ? "" : ", SLURM job " + slurm_job()) + ":" + [&] {
                               std::string line;
                               for (std::size_t i = 1; i < arguments.size(); ++i) line += " " + arguments[i];
                               return line;
                             }() + "\n";
  if (write(log, header.data(), header.size()) < 0) { /* the log is for people; the run goes on */ }
  started.log_offset = static_cast<std::size_t>(lseek(log, 0, SEEK_END));

  std::vector<char*> argv;
  for (auto& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    close(log);
    throw RunError(std::string("sweep: cannot start a run: ") + std::strerror(errno));
  }
  if (pid == 0) {
    // A sweep killed outright (SIGKILL) must not leave runs behind writing
    // the files a restarted sweep will write.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(128 + SIGKILL);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    dup2(log, STDOUT_FILENO);
    dup2(log, STDERR_FILENO);
    if (!options.cuda_visible_devices.empty()) setenv("CUDA_VISIBLE_DEVICES", options.cuda_visible_devices.c_str(), 1);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(log);
  started.pid = pid;
  Json marker = {{"pid", pid}, {"sweep_pid", parent}, {"host", host_name()},
                 {"started_at", utc_now_iso8601()}, {"slurm_job", slurm_job()}};
  write_file_atomically(running_marker_path_for(result), marker.dump() + "\n");
  return started;
}

RunOutcome finish_run(const SweepManifest& manifest, const SweepRun& run, const StartedRun& started,
                      int wait_status, bool interrupted) {
  const std::string result = manifest.resolve(run.result_path);
  const std::string record = failure_record_path_for(result);
  const double wall_s = steady_seconds() - started.started_s;
  RunOutcome outcome;
  const bool signalled = WIFSIGNALED(wait_status);
  outcome.exit_status = signalled ? 128 + WTERMSIG(wait_status) : WEXITSTATUS(wait_status);
  std::error_code ignored;
  fs::remove(running_marker_path_for(result), ignored);
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.1f s", wall_s);
  if (!signalled && outcome.exit_status == 0 && fs::exists(result)) {
    outcome.succeeded = true;
    outcome.message = std::string(started.resuming ? "resumed and finished" : "finished") + " in " + seconds;
    fs::remove(record, ignored);
    return outcome;
  }
  const std::string last = last_line_from(run_log_path_for(result), started.log_offset);
  if (signalled) {
    outcome.message = "stopped by " + signal_name(WTERMSIG(wait_status)) + " after " + seconds +
                      (WTERMSIG(wait_status) == SIGKILL && !interrupted ? " (out of memory?)" : "");
  } else if (outcome.exit_status == 0) {
    outcome.message = "exited 0 after " + std::string(seconds) + " without writing " + result;
  } else {
    outcome.message = "exit " + std::to_string(outcome.exit_status) + " after " + seconds +
                      (last.empty() ? "" : ": " + last);
  }
  const Json previous = read_json_or_null(record);
  Json failure = {{"run", run.id},
                  {"cell", run.cell.str()},
                  {"exit_status", outcome.exit_status},
                  {"message", outcome.message},
                  {"interrupted", interrupted},
                  {"host", host_name()},
                  {"slurm_job", slurm_job()},
                  {"finished_at", utc_now_iso8601()},
                  {"attempts", (previous.is_object() ? previous.value("attempts", 0) : 0) + 1},
                  {"log", run_log_path_for(result)}};
  write_file_atomically(record, failure.dump(2) + "\n");
  return outcome;
}

void forward_stop_signals_to_children() {
  struct sigaction action{};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  for (int signal : {SIGINT, SIGTERM, SIGHUP}) sigaction(signal, &action, nullptr);
}

void register_child(pid_t pid) {
  for (auto& child : g_children)
    if (child <= 0) {
      child = pid;
      return;
    }
}

void unregister_child(pid_t pid) {
  for (auto& child : g_children)
    if (child == pid) child = 0;
}

int stop_signal_received() { return g_stop_signal; }

}  // namespace nslab
