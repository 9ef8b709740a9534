// A sweep on a real SLURM: a one-node cluster on this machine
// (tests/slurm/one_node_cluster: munged, slurmctld, slurmd), the six-run ci
// sweep submitted as a job array with its table job, one task cancelled
// mid-run and requeued. The requeued run must resume its checkpoint and end
// with the results of an uninterrupted run, bit for bit (docs/sweeps.md).
//
// Where the cluster cannot run (not root, packages missing) the test skips,
// saying why; under CI (CI=true) or NSLAB_REQUIRE_SLURM=1 that is a failure.
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/atomic_file.hpp"
#include "support/nslab_process.hpp"
#include "support/result_files.hpp"

namespace nslab {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

// A command's standard output (stderr joins it) and exit status.
std::pair<int, std::string> shell(const std::string& command) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  std::string out;
  char buffer[4096];
  while (pipe && fgets(buffer, sizeof buffer, pipe)) out += buffer;
  const int status = pipe ? pclose(pipe) : -1;
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128, out};
}

// "RUNNING", "CANCELLED", ... for a job or array task ("" when unknown).
std::string job_state(const std::string& job) {
  const auto [status, out] = shell("scontrol show job " + job);
  std::smatch match;
  return status == 0 && std::regex_search(out, match, std::regex("JobState=([A-Z_]+)")) ? match[1].str() : "";
}

// Polls `done` every 50 ms for at most `limit`; false on time-out.
template <typename Predicate>
bool wait_until(Predicate done, std::chrono::seconds limit) {
  const auto deadline = Clock::now() + limit;
  while (!done()) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

bool slurm_required() {
  const char* ci = std::getenv("CI");
  const char* required = std::getenv("NSLAB_REQUIRE_SLURM");
  return (ci && std::string(ci) == "true") || (required && std::string(required) == "1");
}

class Slurm : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char pattern[] = "/tmp/nslab-slurm.XXXXXX";  // short: munge's socket path has a length limit
    cluster_ = mkdtemp(pattern);
    const std::string script = std::string(NSLAB_SOURCE_DIR) + "/tests/slurm/one_node_cluster";
    const auto [status, out] = shell(script + " start " + cluster_ + " " + std::to_string(getpid()));
    start_status_ = status;
    start_output_ = out;
    if (status == 0) {
      setenv("SLURM_CONF", (cluster_ + "/slurm.conf").c_str(), 1);
    }
  }
  static void TearDownTestSuite() {
    shell(std::string(NSLAB_SOURCE_DIR) + "/tests/slurm/one_node_cluster stop " + cluster_);
    fs::remove_all(cluster_);
  }
  void SetUp() override {
    if (start_status_ == 0) return;
    const std::string why = "no one-node SLURM cluster here: " + start_output_;
    if (start_status_ != 77 || slurm_required()) FAIL() << why;
    GTEST_SKIP() << why;
  }
  static inline std::string cluster_, start_output_;
  static inline int start_status_ = -1;
};

TEST_F(Slurm, ArraySweepWithACancelledAndRequeuedTaskEndsWithEveryResultAndTheTable) {
  const auto started = Clock::now();
  const fs::path dir = testing::scratch_dir("slurm-sweep");
  const std::string manifest = (dir / "sweep.txt").string(), reference = (dir / "reference.txt").string();
  const std::vector<std::string> selection = {"nss/synthetic/mapping/ci/fp64", "nss/analytic/gaussian/d5/fp64",
                                              "--vary", "chunk_size=1,10,50", "--set", "threads=1"};
  for (const auto& [file, root] : {std::pair{manifest, "results"}, std::pair{reference, "reference"}}) {
    std::vector<std::string> arguments = {"sweep"};
    arguments.insert(arguments.end(), selection.begin(), selection.end());
    arguments.insert(arguments.end(), {"--results-root", (dir / root).string(), "--write", file});
    ASSERT_EQ(testing::run_nslab(arguments), 0);
  }
  // Run 0 (the mapping cell at chunk_size=1, the longest) is the one cancelled.
  const fs::path result0 = dir / "results/nss/synthetic/mapping/ci/cpu_fp64,chunk_size=1.json";
  const fs::path checkpoint0 = result0.string() + ".checkpoint";

  const std::string submit_log = (dir / "submit.log").string();
  ASSERT_EQ(testing::run_nslab({"sweep", manifest, "--slurm", "--submit", "--checkpoint-every", "1"}, submit_log), 0)
      << read_file(submit_log);
  const std::string submitted = read_file(submit_log);
  std::smatch match;
  ASSERT_TRUE(std::regex_search(submitted, match, std::regex("sweep\\.cpu\\.sbatch as job ([0-9]+)"))) << submitted;
  const std::string array = match[1];
  ASSERT_TRUE(std::regex_search(submitted, match, std::regex("sweep\\.table\\.sbatch as job ([0-9]+)"))) << submitted;
  const std::string table_job = match[1];
  const std::string task0 = array + "_0";

  // Mid-run: the task runs and its run has written a checkpoint.
  ASSERT_TRUE(wait_until([&] { return job_state(task0) == "RUNNING" && fs::exists(checkpoint0); },
                         std::chrono::seconds(180)))
      << "task " << task0 << " never ran with a checkpoint: state " << job_state(task0) << "\n"
      << shell("squeue; cat " + cluster_ + "/slurmctld.log | tail -20").second;
  ASSERT_EQ(shell("scancel " + task0).first, 0);
  ASSERT_TRUE(wait_until([&] { return job_state(task0) == "CANCELLED"; }, std::chrono::seconds(60)))
      << job_state(task0);
  EXPECT_FALSE(fs::exists(result0)) << "the cancelled run finished before it was cancelled";
  EXPECT_TRUE(fs::exists(checkpoint0));
  // The stopped run waits to resume; it is not a failure.
  const auto [status_code, status_text] = shell(testing::nslab_binary() + " sweep " + manifest + " --status");
  EXPECT_EQ(status_code, 0);
  EXPECT_TRUE(std::regex_search(status_text, std::regex("\\n?0  pending .*stopped by SIGTERM.*resumes from its checkpoint")))
      << status_text;
  ASSERT_EQ(shell("scontrol requeue " + task0).first, 0);

  // Every task, then the table job (afterany), within a bound.
  ASSERT_TRUE(wait_until([&] { return job_state(table_job) == "COMPLETED"; }, std::chrono::seconds(420)))
      << "table job " << table_job << ": " << job_state(table_job) << "\n"
      << shell("squeue; " + testing::nslab_binary() + " sweep " + manifest + " --status").second;

  const auto [final_code, final_status] = shell(testing::nslab_binary() + " sweep " + manifest + " --status");
  EXPECT_EQ(final_code, 0);
  EXPECT_NE(final_status.find("6 runs: 6 done, 0 running, 0 failed, 0 pending"), std::string::npos) << final_status;
  std::size_t results = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir / "results"))
    if (entry.path().extension() == ".json") {
      const json document = json::parse(read_file(entry.path().string()));
      EXPECT_EQ(document["schema"], "nslab.result/1");
      ++results;
    }
  EXPECT_EQ(results, 6u);
  const std::string table = read_file((dir / "sweep.table.md").string());
  EXPECT_NE(table.find("from 6 result files"), std::string::npos) << table;
  const std::string task_log = read_file((dir / ("sweep-logs/nslab-sweep-cpu-" + array + "_0.out")).string());
  EXPECT_NE(task_log.find("resuming its checkpoint"), std::string::npos) << task_log;

  // The requeued run against the same run uninterrupted.
  ASSERT_EQ(testing::run_nslab({"sweep", reference, "--index", "0"}), 0);
  const json resumed = json::parse(read_file(result0.string()));
  EXPECT_GT(resumed["performance"]["resumed_at_iteration"].get<int>(), 0);
  EXPECT_EQ(testing::reproducible_part(result0),
            testing::reproducible_part(dir / "reference/nss/synthetic/mapping/ci/cpu_fp64,chunk_size=1.json"));
  std::cout << "slurm sweep test: "
            << std::chrono::duration<double>(Clock::now() - started).count() << " s from manifest to checks\n";
}

}  // namespace
}  // namespace nslab
