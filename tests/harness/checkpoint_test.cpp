// Kill or stop a run part-way, resume it, and get the uninterrupted run's results.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/atomic_file.hpp"
#include "samplers/common/binary_archive.hpp"
#include "support/nslab_process.hpp"
#include "support/result_files.hpp"

namespace nslab {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

using testing::scratch_dir;

// Waits until `path` exists and holds other bytes than `before`.
bool wait_for_new_checkpoint(const std::string& path, const std::string& before) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    if (fs::exists(path) && read_file(path) != before) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

// Two processes killed part-way, the third resumes to the end: the result is
// the uninterrupted run's, says it took three processes, and its sampler wall
// is theirs summed (threads change no result, so the resumes use two).
TEST(Checkpoint, KilledOrStoppedRunResumesToTheUninterruptedResultBitForBit) {
  const fs::path dir = scratch_dir("checkpoint-kill");
  const std::string cell = "nss/synthetic/mapping/ci/fp64";
  const std::string whole = dir / "whole.json", resumed = dir / "resumed.json";
  const std::string checkpoint = resumed + ".checkpoint";
  ASSERT_EQ(testing::run_nslab({"run", cell, "--quiet", "--set", "threads=1", "--out", whole}), 0);

  auto arguments = [&](int process) {
    std::vector<std::string> list = {"run", cell, "--quiet", "--set", process == 1 ? "threads=1" : "threads=2",
                                     "--checkpoint-every", "1", "--out", resumed};
    if (process > 1) list.push_back("--resume");
    return list;
  };
  std::string last;  // the checkpoint the previous killed process left
  for (int process = 1; process <= 2; ++process) {
    const pid_t pid = testing::start_nslab(arguments(process));
    ASSERT_TRUE(wait_for_new_checkpoint(checkpoint, last)) << "process " << process << " wrote no checkpoint";
    kill(pid, SIGKILL);
    EXPECT_EQ(testing::wait_exit_code(pid), 128 + SIGKILL);
    EXPECT_FALSE(fs::exists(resumed)) << "a killed run must not leave a result file";
    last = read_file(checkpoint);
  }
  const std::vector<std::string> resume = arguments(3);

  // One flipped bit inside the records is refused (the checkpoint's CRC),
  // and the checkpoint is left as it was.
  const std::string saved = read_file(checkpoint);
  std::string flipped = saved;
  flipped[flipped.size() * 2 / 3] ^= 0x10;
  write_file_atomically(checkpoint, flipped);
  const std::string log = dir / "flipped.log";
  EXPECT_EQ(testing::run_nslab(resume, log), 2);
  EXPECT_NE(testing::read_text(log).find("fails its checksum"), std::string::npos) << testing::read_text(log);
  EXPECT_FALSE(fs::exists(resumed));
  ASSERT_TRUE(fs::exists(checkpoint));
  EXPECT_EQ(read_file(checkpoint), flipped);
  write_file_atomically(checkpoint, saved);

  ASSERT_EQ(testing::run_nslab(resume), 0);
  const json a = json::parse(read_file(whole)), b = json::parse(read_file(resumed));
  EXPECT_GT(b["performance"]["resumed_at_iteration"].get<int>(), 0);
  EXPECT_EQ(a["results"], b["results"]);
  EXPECT_EQ(a["performance"]["likelihood_evals"], b["performance"]["likelihood_evals"]);
  EXPECT_FALSE(fs::exists(checkpoint)) << "a finished run removes its checkpoint";
  // The refused resume did no work and is not counted.
  const json& performance = b["performance"];
  EXPECT_EQ(performance["processes"], 3);
  EXPECT_EQ(a["performance"]["processes"], 1);
  EXPECT_EQ(a["performance"]["earlier_processes_sampler_wall_s"], 0.0);
  const double earlier = performance["earlier_processes_sampler_wall_s"];
  EXPECT_GT(earlier, 0.0);
  EXPECT_GT(performance["sampler_wall_s"].get<double>(), earlier);
  EXPECT_GE(performance["total_wall_s"].get<double>(), performance["sampler_wall_s"].get<double>());

  // SIGTERM: the run stops at its next likelihood call, saves its last whole
  // step (the checkpoint removed here is written again by the stop, not by
  // --checkpoint-every), says where it stopped and how to resume, and ends
  // by the signal; the resumed run is the uninterrupted one bit for bit, and
  // counts the stopped process as one of its two.
  const std::string stopped = dir / "stopped.json", stopped_log = dir / "stopped.log";
  const std::vector<std::string> stop_args = {"run", cell, "--quiet", "--set", "threads=1", "--checkpoint-every", "2",
                                              "--out", stopped};
  const pid_t term = testing::start_nslab(stop_args, stopped_log);
  const std::string stopped_checkpoint = stopped + ".checkpoint";
  const auto stop_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!fs::exists(stopped_checkpoint) && std::chrono::steady_clock::now() < stop_deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  fs::remove(stopped_checkpoint);
  kill(term, SIGTERM);
  EXPECT_EQ(testing::wait_exit_code(term), 128 + SIGTERM);
  const std::string said = testing::read_text(stopped_log);
  EXPECT_NE(said.find("stopped by SIGTERM after outer step "), std::string::npos) << said;
  EXPECT_NE(said.find("Resume with: nslab run " + cell + " --resume --out " + stopped), std::string::npos) << said;
  ASSERT_TRUE(fs::exists(stopped_checkpoint)) << "the stop saves the last whole step\n" << said;
  EXPECT_FALSE(fs::exists(stopped));
  const std::size_t at = said.find("after outer step ");
  const int stopped_at = at == std::string::npos ? -1 : std::stoi(said.substr(at + 17));
  std::vector<std::string> resume_stopped = stop_args;
  resume_stopped.push_back("--resume");
  ASSERT_EQ(testing::run_nslab(resume_stopped), 0);
  const json c = json::parse(read_file(stopped));
  EXPECT_EQ(c["performance"]["resumed_at_iteration"].get<int>(), stopped_at);
  EXPECT_EQ(a["results"], c["results"]);
  EXPECT_EQ(a["performance"]["likelihood_evals"], c["performance"]["likelihood_evals"]);
  EXPECT_EQ(c["performance"]["processes"], 2);
}

TEST(Checkpoint, ACheckpointOfOtherSettingsIsRefusedAndNothingIsDamaged) {
  const fs::path dir = scratch_dir("checkpoint-mismatch");
  const std::string cell = "nss/analytic/gaussian/d2/fp64";
  const std::string out = dir / "result.json";
  // A checkpoint left by a run with another seed.
  const pid_t pid = testing::start_nslab(
      {"run", "nss/synthetic/mapping/ci/fp64", "--quiet", "--checkpoint-every", "1", "--out", out});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!fs::exists(out + ".checkpoint") && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  kill(pid, SIGKILL);
  testing::wait_exit_code(pid);
  ASSERT_TRUE(fs::exists(out + ".checkpoint"));
  write_file_atomically(out, "{\"keep\": true}\n");
  EXPECT_EQ(testing::run_nslab({"run", cell, "--quiet", "--resume", "--out", out}), 2);
  EXPECT_EQ(read_file(out), "{\"keep\": true}\n");
  EXPECT_TRUE(fs::exists(out + ".checkpoint"));
}

TEST(Checkpoint, ATruncatedCheckpointIsRefusedWithExitTwo) {
  const fs::path dir = scratch_dir("checkpoint-truncated");
  const std::string out = dir / "result.json";
  write_file_atomically(out + ".checkpoint", std::string("\x16\0\0\0", 4));
  EXPECT_EQ(testing::run_nslab({"run", "nss/analytic/gaussian/d2/fp64", "--quiet", "--resume", "--out", out}), 2);
  EXPECT_FALSE(fs::exists(out));
}

// A checkpoint of the previous format version (before the process count was
// saved) is refused with one line naming both versions, exit 2, and is kept.
TEST(Checkpoint, AnOlderFormatIsRefusedInOneLineAndKept) {
  const fs::path dir = scratch_dir("checkpoint-old-format");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"nss/analytic/gaussian/d2/fp64", "nslab.nss.checkpoint/2"},
      {"nautilus/analytic/gaussian/d2/fp64", "nslab.nautilus.checkpoint/3"}};
  for (const auto& [cell, old_magic] : cases) {
    SCOPED_TRACE(cell);
    const std::string out = dir / "result.json", log = dir / "refused.log";
    ArchiveWriter writer;
    writer.write(old_magic);
    writer.write(std::string("fingerprint of the older nslab"));
    writer.write<std::uint32_t>(4);
    const std::string old = writer.sealed();
    write_file_atomically(out + ".checkpoint", old);
    EXPECT_EQ(testing::run_nslab({"run", cell, "--quiet", "--resume", "--out", out}, log), 2);
    const std::string said = testing::read_text(log);
    EXPECT_NE(said.find("is format " + old_magic + ", this nslab reads "), std::string::npos) << said;
    EXPECT_EQ(std::count(said.begin(), said.end(), '\n'), 1) << said;
    EXPECT_FALSE(fs::exists(out));
    EXPECT_EQ(read_file(out + ".checkpoint"), old);
  }
}

}  // namespace
}  // namespace nslab
