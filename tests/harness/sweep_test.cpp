// nslab sweep: manifests from selections, runs here that survive a SIGKILL,
// status from the files beside each result, SLURM scripts, and bad input
// refused with one line and exit 2 before anything starts (docs/sweeps.md).
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/atomic_file.hpp"
#include "core/backend.hpp"
#include "core/error.hpp"
#include "support/nslab_process.hpp"
#include "harness/sweep_manifest.hpp"
#include "harness/sweep_slurm.hpp"
#include "support/result_files.hpp"

namespace nslab {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

using testing::reproducible_part;
using testing::scratch_dir;

struct Shell {
  int status = 0;
  std::string err;
};

// Runs `nslab ARGS` through the shell (for environment and redirections);
// its exit status and standard error.
Shell nslab_shell(const std::string& arguments, const fs::path& dir, const std::string& environment = "") {
  const fs::path err = dir / "stderr.txt";
  const std::string command = environment + " " + testing::nslab_binary() + " " + arguments + " >" +
                              (dir / "stdout.txt").string() + " 2>" + err.string();
  const int status = std::system(command.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128, read_file(err.string())};
}

std::size_t lines_in(const std::string& text) {
  std::size_t lines = 0;
  for (char c : text) lines += c == '\n';
  return lines;
}

// Every file under `dir` (recursively), relative to it.
std::set<std::string> files_under(const fs::path& dir) {
  std::set<std::string> files;
  if (!fs::exists(dir)) return files;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    if (entry.is_regular_file()) files.insert(fs::relative(entry.path(), dir).string());
  return files;
}

// The six-run ci sweep (both samplers' ci-sized cells of scripts/sweep-ci, three chunk sizes).
std::string six_run_selection() {
  return "nss/synthetic/mapping/ci/fp64 nss/analytic/gaussian/d5/fp64 --vary chunk_size=1,10,50 --set threads=1";
}

TEST(SweepManifest, SelectionBecomesOneLinePerRunAndReadsBack) {
  SweepSelection selection;
  selection.cell_patterns = {"*/analytic/gaussian/d2/fp64"};
  selection.vary = {parse_vary("chunk_size=1,10")};
  selection.seeds = 2;
  selection.results_root = "out";
  const SweepManifest manifest = plan_sweep(selection);
  // NSS takes chunk_size (2 values x 2 seeds), Nautilus does not (2 seeds).
  ASSERT_EQ(manifest.runs.size(), 6u);
  EXPECT_EQ(manifest.runs[0].cell.str(), "nss/analytic/gaussian/d2/fp64");
  EXPECT_EQ(manifest.runs[0].result_path, "out/nss/analytic/gaussian/d2/cpu_fp64,chunk_size=1,seed=42.json");
  EXPECT_EQ(manifest.runs[3].result_path, "out/nss/analytic/gaussian/d2/cpu_fp64,chunk_size=10,seed=43.json");
  EXPECT_EQ(manifest.runs[5].result_path, "out/nautilus/analytic/gaussian/d2/cpu_fp64,seed=43.json");
  EXPECT_EQ(manifest.runs[5].checkpoint_path, manifest.runs[5].result_path + ".checkpoint");

  const std::string text = format_manifest(manifest, ".", "test");
  const SweepManifest back = parse_manifest(text, "m.txt", ".");
  ASSERT_EQ(back.runs.size(), manifest.runs.size());
  for (std::size_t i = 0; i < back.runs.size(); ++i) {
    EXPECT_EQ(back.runs[i].id, manifest.runs[i].id);
    EXPECT_EQ(back.runs[i].cell.str(), manifest.runs[i].cell.str());
    EXPECT_EQ(back.runs[i].result_path, manifest.runs[i].result_path);
    EXPECT_EQ(back.runs[i].settings, manifest.runs[i].settings);
  }
}

TEST(SweepManifest, EditedIntoNonsenseIsRefusedNamingTheLine) {
  const std::string good = "nslab.sweep/1\n0 nss/analytic/gaussian/d2/fp64 a.json a.ckpt chunk_size=1\n";
  EXPECT_NO_THROW(parse_manifest(good, "m", "."));
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"hello\n", "is not an nslab sweep manifest"},
      {"nslab.sweep/1\n", "has no runs"},
      {"nslab.sweep/1\n0 nss/analytic/gaussian/d2/fp64 a.json\n", "m:2: a run line needs"},
      {"nslab.sweep/1\nx nss/analytic/gaussian/d2/fp64 a.json a.ckpt\n", "m:2: 'x' is not a run id"},
      {"nslab.sweep/1\n0 nss/analytic/nope/d2/fp64 a.json a.ckpt\n", "m:2:"},
      {"nslab.sweep/1\n0 nss/analytic/gaussian/d2/fp64 a.json a.ckpt colour=red\n", "m:2: unknown setting 'colour'"},
      {good + "0 nss/analytic/gaussian/d2/fp64 b.json b.ckpt\n", "m:3: id 0 is also on line 2"},
      {good + "1 nss/analytic/gaussian/d2/fp64 a.json b.ckpt\n", "m:3: a.json is also named on line 2"},
  };
  for (const auto& [text, message] : bad) {
    try {
      parse_manifest(text, "m", ".");
      ADD_FAILURE() << "accepted: " << text;
    } catch (const UsageError& error) {
      EXPECT_NE(std::string(error.what()).find(message), std::string::npos) << error.what();
    }
  }
}

TEST(SweepSlurm, ArrayRangesAndTimes) {
  EXPECT_EQ(array_ranges({0, 1, 2, 3, 7, 9, 10}), "0-3,7,9-10");
  EXPECT_EQ(array_ranges({5}), "5");
  EXPECT_EQ(slurm_time(1), "0:01:00");
  EXPECT_EQ(slurm_time(3601), "1:01:00");
  EXPECT_EQ(slurm_time(2 * 86400 + 90), "2-00:02:00");
}

TEST(SweepCommand, BadInputGivesOneLineExitTwoAndStartsNothing) {
  const fs::path dir = scratch_dir("sweep-bad-input");
  const std::string manifest = (dir / "sweep.txt").string();
  // An unknown cell in the selection.
  Shell s = nslab_shell("sweep 'nss/analytic/nope/*' --results-root " + (dir / "r").string() + " --write " + manifest, dir);
  EXPECT_EQ(s.status, 2);
  EXPECT_EQ(lines_in(s.err), 1u) << s.err;
  EXPECT_NE(s.err.find("no cell matches 'nss/analytic/nope/*'"), std::string::npos) << s.err;
  EXPECT_FALSE(fs::exists(manifest));
  // A --vary key that no selected cell takes.
  s = nslab_shell("sweep 'nautilus/analytic/gaussian/d2/fp64' --vary chunk_size=1,2 --write " + manifest, dir);
  EXPECT_EQ(s.status, 2);
  EXPECT_EQ(lines_in(s.err), 1u) << s.err;
  EXPECT_NE(s.err.find("no selected cell takes setting 'chunk_size'"), std::string::npos) << s.err;
  EXPECT_FALSE(fs::exists(manifest));

  // A good manifest, then edited into nonsense: nothing of it may start.
  s = nslab_shell("sweep " + six_run_selection() + " --results-root " + (dir / "r").string() + " --write " + manifest, dir);
  ASSERT_EQ(s.status, 0) << s.err;
  std::string text = read_file(manifest);
  text.replace(text.rfind("chunk_size=50"), 13, "chunk_size=50 colour=red");
  write_file_atomically(manifest, text);
  for (const std::string mode : {"--local 2", "--index 0", "--slurm", "--status"}) {
    s = nslab_shell("sweep " + manifest + " " + mode, dir);
    EXPECT_EQ(s.status, 2) << mode;
    EXPECT_EQ(lines_in(s.err), 1u) << mode << ": " << s.err;
    EXPECT_NE(s.err.find("sweep.txt:12: unknown setting 'colour'"), std::string::npos) << s.err;
  }
  write_file_atomically(manifest, "this is not a manifest\n0 1 2 3\n");
  s = nslab_shell("sweep " + manifest + " --local 2", dir);
  EXPECT_EQ(s.status, 2);
  EXPECT_EQ(lines_in(s.err), 1u) << s.err;
  EXPECT_NE(s.err.find("is not an nslab sweep manifest"), std::string::npos) << s.err;
  EXPECT_EQ(files_under(dir / "r"), std::set<std::string>{}) << "a refused sweep started something";

  // No sbatch on PATH: --submit is refused before any script is written.
  s = nslab_shell("sweep " + six_run_selection() + " --results-root " + (dir / "r").string() + " --write " +
                      manifest + " --force",
                  dir);
  ASSERT_EQ(s.status, 0) << s.err;
  s = nslab_shell("sweep " + manifest + " --slurm --submit", dir, "PATH=" + (dir / "empty-bin").string());
  EXPECT_EQ(s.status, 2);
  EXPECT_EQ(lines_in(s.err), 1u) << s.err;
  EXPECT_NE(s.err.find("--submit needs sbatch, and there is none on PATH"), std::string::npos) << s.err;
  EXPECT_FALSE(fs::exists(dir / "sweep.cpu.sbatch"));
  EXPECT_FALSE(fs::exists(dir / "sweep.submit"));
  EXPECT_EQ(files_under(dir / "r"), std::set<std::string>{});
}

std::vector<fs::path> result_files(const fs::path& root) {
  std::vector<fs::path> files;
  if (!fs::exists(root)) return files;
  for (const auto& entry : fs::recursive_directory_iterator(root))
    if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

bool process_with_argument_alive(const std::string& text) {
  for (const auto& entry : fs::directory_iterator("/proc")) {
    std::ifstream in(entry.path() / "cmdline");
    const std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (cmdline.find(text) != std::string::npos && cmdline.find(std::string("\0run\0", 5)) != std::string::npos) return true;
  }
  return false;
}

TEST(SweepCommand, LocalSweepKilledHalfwayRestartsToTheUninterruptedResults) {
  const fs::path dir = scratch_dir("sweep-kill");
  const std::string whole = (dir / "whole.txt").string(), killed = (dir / "killed.txt").string();
  for (const auto& [manifest, root] : {std::pair{whole, "whole"}, std::pair{killed, "killed"}})
    ASSERT_EQ(nslab_shell("sweep " + six_run_selection() + " --results-root " + (dir / root).string() +
                              " --write " + manifest,
                          dir)
                  .status,
              0);
  ASSERT_EQ(testing::run_nslab({"sweep", whole, "--local", "2"}, (dir / "whole.log").string()), 0)
      << read_file((dir / "whole.log").string());
  ASSERT_EQ(result_files(dir / "whole").size(), 6u);

  const pid_t sweep = testing::start_nslab({"sweep", killed, "--local", "2", "--checkpoint-every", "1"},
                                           (dir / "killed-1.log").string());
  // Halfway: some runs finished, another one part-way with a checkpoint.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(240);
  const auto halfway = [&] {
    if (result_files(dir / "killed").size() < 2) return false;
    for (const auto& file : files_under(dir / "killed"))
      if (file.ends_with(".checkpoint") && !fs::exists(dir / "killed" / file.substr(0, file.size() - 11)))
        return true;
    return false;
  };
  while (!halfway() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_TRUE(halfway()) << "the sweep never reached halfway: " << read_file((dir / "killed-1.log").string());
  kill(sweep, SIGKILL);
  EXPECT_EQ(testing::wait_exit_code(sweep), 128 + SIGKILL);
  // Its runs die with it (nothing left writing the files the restart will write).
  const auto gone_by = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (process_with_argument_alive((dir / "killed").string()) && std::chrono::steady_clock::now() < gone_by)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_FALSE(process_with_argument_alive((dir / "killed").string())) << "a run outlived its killed sweep";
  const std::size_t done_at_kill = result_files(dir / "killed").size();
  EXPECT_LT(done_at_kill, 6u);

  ASSERT_EQ(testing::run_nslab({"sweep", killed, "--local", "2", "--checkpoint-every", "1"},
                               (dir / "killed-2.log").string()),
            0)
      << read_file((dir / "killed-2.log").string());
  const std::string restart_log = read_file((dir / "killed-2.log").string());
  EXPECT_NE(restart_log.find(std::to_string(done_at_kill) + " done already"), std::string::npos) << restart_log;
  EXPECT_NE(restart_log.find("(resuming its checkpoint)"), std::string::npos) << restart_log;

  const auto a = result_files(dir / "whole"), b = result_files(dir / "killed");
  ASSERT_EQ(a.size(), 6u);
  ASSERT_EQ(b.size(), 6u);
  std::size_t resumed = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(fs::relative(a[i], dir / "whole"), fs::relative(b[i], dir / "killed"));
    EXPECT_EQ(reproducible_part(a[i]), reproducible_part(b[i])) << b[i];
    resumed += json::parse(read_file(b[i].string()))["performance"]["resumed_at_iteration"].get<int>() > 0;
  }
  EXPECT_GE(resumed, 1u) << "no run was resumed from a checkpoint";
  for (const auto& file : files_under(dir / "killed"))
    EXPECT_FALSE(file.ends_with(".checkpoint") || file.ends_with(".running") || file.ends_with(".failed")) << file;
}

TEST(SweepCommand, StatusListsDoneFailedAndPendingWithTheFailuresMessage) {
  const fs::path dir = scratch_dir("sweep-status");
  const std::string manifest = (dir / "m.txt").string();
  write_file_atomically(manifest,
                        "nslab.sweep/1\n"
                        "0 nss/analytic/gaussian/d2/fp64 r/ok.json r/ok.json.checkpoint threads=1\n"
                        "1 nss/analytic/gaussian/d2/fp64 r/bad.json r/bad.json.checkpoint chunk_size=many\n"
                        "2 nss/analytic/gaussian/d2/fp64 r/later.json r/later.json.checkpoint seed=7\n");
  EXPECT_EQ(testing::run_nslab({"sweep", manifest, "--index", "0"}), 0);
  EXPECT_EQ(testing::run_nslab({"sweep", manifest, "--index", "1"}), 2);
  EXPECT_TRUE(fs::exists(dir / "r/ok.json"));
  EXPECT_TRUE(fs::exists(dir / "r/bad.json.failed"));
  EXPECT_FALSE(fs::exists(dir / "r/bad.json"));
  EXPECT_EQ(testing::run_nslab({"sweep", manifest, "--status"}, (dir / "status.txt").string()), 0);
  const std::string status = read_file((dir / "status.txt").string());
  std::istringstream lines(status);
  std::string line0, line1, line2, summary;
  std::getline(lines, line0), std::getline(lines, line1), std::getline(lines, line2), std::getline(lines, summary);
  EXPECT_EQ(line0.rfind("0  done", 0), 0u) << status;
  EXPECT_EQ(line1.rfind("1  failed", 0), 0u) << status;
  EXPECT_NE(line1.find("exit 2"), std::string::npos) << status;
  EXPECT_NE(line1.find("chunk_size=many is not"), std::string::npos) << status;
  EXPECT_EQ(line2.rfind("2  pending", 0), 0u) << status;
  EXPECT_EQ(summary, "3 runs: 1 done, 0 running, 1 failed, 1 pending");
  // Done is done: its task returns at once; a mended run loses its failure record.
  EXPECT_EQ(testing::run_nslab({"sweep", manifest, "--index", "0"}), 0);
  std::string text = read_file(manifest);
  text.replace(text.find("chunk_size=many"), 15, "chunk_size=5");
  write_file_atomically(manifest, text);
  EXPECT_EQ(testing::run_nslab({"sweep", manifest, "--local", "1"}), 0);
  EXPECT_FALSE(fs::exists(dir / "r/bad.json.failed"));
  EXPECT_TRUE(fs::exists(dir / "r/bad.json"));
  EXPECT_TRUE(fs::exists(dir / "r/later.json"));
}

TEST(SweepCommand, SlurmScriptsAskForWhatTheRunsNeed) {
  // The planner checks each run's settings against this build, and a build
  // without CUDA refuses backend=cuda (Backend.ABuildWithoutCudaRefuses...).
  if (!kBuiltWithCuda) GTEST_SKIP() << "this build has no CUDA: it refuses to plan the manifest's backend=cuda run";
  const fs::path dir = scratch_dir("sweep-slurm-scripts");
  const std::string manifest = (dir / "s.txt").string();
  // Three CPU runs and one CUDA run (planned on a machine without a GPU).
  write_file_atomically(manifest,
                        "nslab.sweep/1\n"
                        "0 nss/analytic/gaussian/d2/fp64 r/a.json r/a.json.checkpoint chunk_size=1\n"
                        "1 nss/analytic/gaussian/d2/fp64 r/b.json r/b.json.checkpoint chunk_size=10\n"
                        "3 nss/synthetic/mapping/ci/fp64 r/c.json r/c.json.checkpoint\n"
                        "4 nss/analytic/gaussian/d2/fp64 r/g.json r/g.json.checkpoint backend=cuda\n");
  // An earlier result of the gaussian cell: its wall time sets the CPU array's time.
  const fs::path earlier = dir / "earlier";
  ASSERT_EQ(testing::run_nslab({"run", "nss/analytic/gaussian/d2/fp64", "--quiet", "--out", (earlier / "e.json").string()}), 0);
  const double wall = json::parse(read_file((earlier / "e.json").string()))["performance"]["total_wall_s"];
  ASSERT_EQ(testing::run_nslab({"sweep", manifest, "--slurm", "--partition", "gpu-short", "--account", "lens",
                                "--qos", "normal", "--cost-from", earlier.string(), "--max-parallel", "2"},
                               (dir / "log.txt").string()),
            0)
      << read_file((dir / "log.txt").string());
  const std::string cpu = read_file((dir / "s.cpu.sbatch").string());
  const std::string cuda = read_file((dir / "s.cuda.sbatch").string());
  const std::string table = read_file((dir / "s.table.sbatch").string());
  const std::string submit = read_file((dir / "s.submit").string());
  EXPECT_NE(cpu.find("#SBATCH --array=0-1,3%2\n"), std::string::npos) << cpu;
  EXPECT_NE(cuda.find("#SBATCH --array=4%2\n"), std::string::npos) << cuda;
  EXPECT_NE(cuda.find("#SBATCH --gres=gpu:1\n"), std::string::npos) << cuda;
  EXPECT_EQ(cpu.find("--gres"), std::string::npos) << cpu;
  // The mapping cell has no earlier result, so the gaussian one sets the time.
  EXPECT_NE(cpu.find("#SBATCH --time=" + slurm_time(2 * wall + 300) + "\n"), std::string::npos) << cpu;
  EXPECT_NE(cuda.find("#SBATCH --time=01:00:00\n"), std::string::npos) << cuda;
  for (const std::string& script : {cpu, cuda, table}) {
    EXPECT_NE(script.find("#SBATCH --partition=gpu-short\n#SBATCH --account=lens\n#SBATCH --qos=normal\n"),
              std::string::npos)
        << script;
  }
  for (const std::string& script : {cpu, cuda}) {
    EXPECT_NE(script.find("#SBATCH --requeue\n"), std::string::npos);
    EXPECT_NE(script.find("#SBATCH --mem="), std::string::npos);
    EXPECT_NE(script.find(" --index \"$SLURM_ARRAY_TASK_ID\""), std::string::npos);
  }
  EXPECT_NE(submit.find("--dependency=afterany:"), std::string::npos) << submit;
  EXPECT_NE(table.find(" --table --out "), std::string::npos) << table;
  // The CPU array's memory covers the memory model's peak of the mapping run (k = n_live 200).
  std::istringstream in(cpu.substr(cpu.find("#SBATCH --mem=") + 14));
  double mebibytes = 0;
  in >> mebibytes;
  EXPECT_GT(mebibytes, 512.0);
}

}  // namespace
}  // namespace nslab
