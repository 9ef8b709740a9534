#include "harness/sweep_slurm.hpp"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "harness/result_tables.hpp"
#include "harness/sweep_estimate.hpp"

namespace nslab {
namespace {

namespace fs = std::filesystem;

// Margins over the estimates: other nodes are slower or busier than the one
// that made the earlier result, and an allocator's slack is not in the model.
constexpr double kTimeFactor = 2.0;
constexpr double kTimeMarginS = 300;
constexpr double kMemoryFactor = 1.25;
constexpr double kMemoryMarginBytes = 512.0 * 1024 * 1024;  // the process, its libraries, the dataset files
constexpr double kCudaHostDefaultBytes = 4.0 * 1024 * 1024 * 1024;
constexpr std::size_t kSlurmDefaultMaxArraySize = 1001;

std::string shell_quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string absolute(const std::string& path) { return fs::absolute(path).lexically_normal().string(); }

std::string self_binary() { return fs::read_symlink("/proc/self/exe").string(); }

std::string mebibytes(double bytes) {
  return std::to_string(static_cast<long long>(std::ceil(bytes / (1024.0 * 1024.0)))) + "M";
}

struct Group {
  std::string name;  // cpu | cuda
  std::vector<std::size_t> ids;
  double time_s = 0;
  double memory_bytes = 0;
  std::vector<std::string> notes;
  std::size_t without_history = 0;
};

void add_common_options(std::string& script, const SlurmOptions& options) {
  if (!options.partition.empty()) script += "#SBATCH --partition=" + options.partition + "\n";
  if (!options.account.empty()) script += "#SBATCH --account=" + options.account + "\n";
  if (!options.qos.empty()) script += "#SBATCH --qos=" + options.qos + "\n";
  for (const auto& extra : options.sbatch_options) script += "#SBATCH " + extra + "\n";
}

void write_script(const std::string& path, const std::string& text) {
  write_file_atomically(path, text);
  chmod(path.c_str(), 0755);
}

}  // namespace

std::string array_ranges(const std::vector<std::size_t>& ids) {
  std::string text;
  for (std::size_t i = 0; i < ids.size();) {
    std::size_t j = i;
    while (j + 1 < ids.size() && ids[j + 1] == ids[j] + 1) ++j;
    // Appended piece by piece: GCC 12's -Wrestrict misfires on "-" + string (bug 105329).
    text.append(text.empty() ? "" : ",").append(std::to_string(ids[i]));
    if (j > i) text.append("-").append(std::to_string(ids[j]));
    i = j + 1;
  }
  return text;
}

std::string slurm_time(double seconds) {
  const long long minutes = std::max(1LL, static_cast<long long>(std::ceil(seconds / 60.0)));
  const long long days = minutes / (24 * 60), hours = minutes / 60 % 24, rest = minutes % 60;
  char text[40];
  if (days > 0) std::snprintf(text, sizeof text, "%lld-%02lld:%02lld:00", days, hours, rest);
  else std::snprintf(text, sizeof text, "%lld:%02lld:00", hours, rest);
  return text;
}

std::string find_on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::stringstream folders(path ? path : "");
  for (std::string folder; std::getline(folders, folder, ':');) {
    const fs::path candidate = fs::path(folder.empty() ? "." : folder) / program;
    if (access(candidate.c_str(), X_OK) == 0 && fs::is_regular_file(candidate)) return candidate.string();
  }
  return {};
}

SlurmScripts write_slurm_scripts(const SweepManifest& manifest, const SlurmOptions& options) {
  const std::string manifest_path = absolute(manifest.path);
  const fs::path folder = fs::path(manifest_path).parent_path();
  const std::string stem = fs::path(manifest_path).stem().string();
  const std::string logs = (folder / (stem + "-logs")).string();
  const std::string nslab = options.nslab_binary.empty() ? self_binary() : absolute(options.nslab_binary);
  // The runs' own results count as earlier results too (a sweep submitted again).
  std::vector<std::string> cost_from = options.cost_from;
  for (const auto& run : manifest.runs) {
    const std::string parent = fs::path(manifest.resolve(run.result_path)).parent_path().string();
    if (std::find(cost_from.begin(), cost_from.end(), parent) == cost_from.end()) cost_from.push_back(parent);
  }
  SweepEstimator estimator(cost_from);

  std::vector<Group> groups;
  for (const auto& run : manifest.runs) {
    if (run.id >= kSlurmDefaultMaxArraySize)
      std::cerr << "sweep: run id " << run.id << " is at or above SLURM's default MaxArraySize ("
                << kSlurmDefaultMaxArraySize << "); check `scontrol show config | grep MaxArraySize`\n";
    const RunEstimate estimate = estimator.estimate(run);
    auto group = std::find_if(groups.begin(), groups.end(), [&](const Group& g) { return g.name == estimate.backend; });
    if (group == groups.end()) group = groups.insert(groups.end(), Group{estimate.backend, {}, 0, 0, {}, 0});
    group->ids.push_back(run.id);
    double time_s = 0;
    if (estimate.earlier_wall_s) {
      time_s = kTimeFactor * *estimate.earlier_wall_s + kTimeMarginS;
    } else {
      ++group->without_history;
    }
    group->time_s = std::max(group->time_s, time_s);
    double memory = 0;
    if (estimate.backend == "cuda") {
      memory = estimate.earlier_peak_rss_bytes ? kMemoryFactor * *estimate.earlier_peak_rss_bytes + kMemoryMarginBytes
                                               : kCudaHostDefaultBytes;
      if (estimate.predicted_peak_bytes)
        group->notes.push_back("run " + std::to_string(run.id) + ": device memory by the model " +
                               format_bytes(*estimate.predicted_peak_bytes) + " (" + estimate.model_note + ")");
    } else {
      const double model = estimate.predicted_peak_bytes.value_or(0);
      memory = kMemoryFactor * std::max(model, estimate.earlier_peak_rss_bytes.value_or(0)) + kMemoryMarginBytes;
    }
    group->memory_bytes = std::max(group->memory_bytes, memory);
  }

  SlurmScripts scripts;
  fs::create_directories(logs);
  std::vector<std::string> submit_lines;
  for (const Group& group : groups) {
    std::string time = options.time;
    std::string time_why = "--time as given";
    if (time.empty()) {
      const bool any_history = group.without_history < group.ids.size();
      time = any_history ? slurm_time(group.time_s) : options.default_time;
      time_why = any_history ? "the longest expected run: " + std::to_string(static_cast<int>(kTimeFactor)) +
                                   " x its longest earlier result + " +
                                   std::to_string(static_cast<int>(kTimeMarginS / 60)) + " min"
                             : "no earlier results of these cells: the default";
      if (group.without_history > 0) {
        std::cerr << "sweep: " << group.without_history << " " << group.name
                  << " runs have no earlier result to estimate their time from; "
                  << (any_history ? "they get the others' " + time : "asking for " + time)
                  << " (pass --time to choose)\n";
        time_why += "; " + std::to_string(group.without_history) + " runs had no earlier result";
      }
    }
    const std::string memory = options.memory.empty() ? mebibytes(group.memory_bytes) : options.memory;
    const std::string memory_why = options.memory.empty()
                                       ? (group.name == "cuda" ? "host memory: 1.25 x the largest earlier peak RSS + 512 MiB (4 GiB without one)"
                                                               : "1.25 x the largest of the memory model's peak and earlier peak RSS + 512 MiB")
                                       : "--mem as given";
    const std::string path = (folder / (stem + "." + group.name + ".sbatch")).string();
    std::string script = "#!/bin/bash\n# nslab sweep: the backend=" + group.name + " runs of " + manifest_path +
                         ",\n# one SLURM array task per run (task id = run id). Written by `nslab sweep --slurm`.\n"
                         "# time: " + time_why + "\n# memory: " + memory_why + "\n";
    for (const auto& note : group.notes) script += "# " + note + "\n";
    script += "#SBATCH --job-name=nslab-" + stem + "-" + group.name + "\n";
    script.append("#SBATCH --array=").append(array_ranges(group.ids));
    if (options.max_parallel) script.append("%").append(std::to_string(options.max_parallel));
    script += "\n";
    script += "#SBATCH --time=" + time + "\n#SBATCH --mem=" + memory + "\n";
    script += "#SBATCH --cpus-per-task=" + std::to_string(options.cpus_per_task) + "\n#SBATCH --ntasks=1\n";
    if (group.name == "cuda")
      script += "#SBATCH --gres=gpu:" + (options.gpu_type.empty() ? "" : options.gpu_type + ":") + "1\n";
    // A requeued task (preemption, node failure, scontrol requeue) resumes its
    // checkpoint, and results are written atomically, so requeueing is safe.
    script += "#SBATCH --requeue\n#SBATCH --open-mode=append\n";
    script += "#SBATCH --output=" + logs + "/%x-%A_%a.out\n";
    add_common_options(script, options);
    script += "exec " + shell_quoted(nslab) + " sweep " + shell_quoted(manifest_path) +
              " --index \"$SLURM_ARRAY_TASK_ID\" --checkpoint-every " + std::to_string(options.checkpoint_every) + "\n";
    write_script(path, script);
    scripts.arrays.push_back(path);
  }

  scripts.table_output = (folder / (stem + ".table.md")).string();
  scripts.table = (folder / (stem + ".table.sbatch")).string();
  std::string table = "#!/bin/bash\n# nslab sweep: the table of " + manifest_path +
                      "'s results, after its arrays have ended (afterany: failed runs leave gaps).\n"
                      "#SBATCH --job-name=nslab-" + stem + "-table\n#SBATCH --time=0:15:00\n#SBATCH --mem=1G\n"
                      "#SBATCH --cpus-per-task=1\n#SBATCH --ntasks=1\n#SBATCH --output=" + logs + "/%x-%j.out\n";
  add_common_options(table, options);
  table += "exec " + shell_quoted(nslab) + " sweep " + shell_quoted(manifest_path) + " --table --out " +
           shell_quoted(scripts.table_output) + "\n";
  write_script(scripts.table, table);

  scripts.submit = (folder / (stem + ".submit")).string();
  std::string submit =
      "#!/bin/bash\n# Submits the sweep's job arrays, then its table job to run once they have all ended.\n"
      "set -euo pipefail\njobs=()\n";
  for (const auto& array : scripts.arrays)
    submit += "jobs+=(\"$(sbatch --parsable " + shell_quoted(array) + " | cut -d';' -f1)\")\n"
              "echo \"submitted " + fs::path(array).filename().string() + " as job ${jobs[-1]}\"\n";
  submit += "dependency=$(IFS=:; echo \"${jobs[*]}\")\n"
            "table=$(sbatch --parsable --dependency=afterany:\"$dependency\" " + shell_quoted(scripts.table) +
            " | cut -d';' -f1)\n"
            "echo \"submitted " + fs::path(scripts.table).filename().string() +
            " as job $table (after jobs ${jobs[*]} end); the table goes to " + scripts.table_output + "\"\n";
  write_script(scripts.submit, submit);
  return scripts;
}

int submit_slurm_scripts(const SlurmScripts& scripts) {
  std::cout << std::flush;
  const pid_t pid = fork();
  if (pid < 0) throw RunError("sweep: cannot start " + scripts.submit);
  if (pid == 0) {
    execl("/bin/bash", "bash", scripts.submit.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace nslab
