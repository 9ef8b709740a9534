// The run lifecycle under faults and hostile input (docs/exit-status.md):
// requests beyond the machine, outputs that are not plain files, two runs on
// one output, checkpoints left behind, budgets between likelihood calls,
// likelihoods that are never finite, a final write that fails, crashing
// plugins, numbers and names that are not what they seem (signals:
// checkpoint_test.cpp). Each test runs the nslab binary as a user
// would (NSLAB_TEST_BINARY points them at another build).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/atomic_file.hpp"
#include "core/thread_pool.hpp"
#include "support/nslab_process.hpp"
#include "support/result_files.hpp"

namespace nslab {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::Finished;
using testing::run_nslab_printing;

const std::string kQuick = "nss/analytic/gaussian/d2/fp64";  // well under a second
const std::string kPlugins = std::string(NSLAB_BINARY_DIR) + "/plugins/";

fs::path scratch(const std::string& name) {
  const fs::path dir = nslab::testing::test_scratch_root() / ("lifecycle-" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::permissions(dir, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                           fs::perms::others_read | fs::perms::others_exec);
  return dir;
}

std::string plugin(const std::string& fault) { return "plugin=" + kPlugins + "libnslab_" + fault + "_plugin.so"; }

// The slow plugin (2 ms a point) on one thread: a run that lasts seconds
// while barely using the CPU, to act on part-way.
std::vector<std::string> slow_run(const std::string& out, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"run", "nss/plugin/slow/-/fp64", "--quiet", "--set", plugin("slow"),
                                   "--set", "threads=1", "--out", out};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

bool wait_for(const fs::path& path, std::chrono::seconds limit = std::chrono::seconds(120)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!fs::exists(path) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return fs::exists(path);
}

bool contains(const std::string& text, const std::string& words) { return text.find(words) != std::string::npos; }

#define EXPECT_SAYS(finished, words) \
  EXPECT_TRUE(contains((finished).output, words)) << "expected '" << (words) << "' in:\n" << (finished).output

// --- requests beyond the machine ----------------------------------------

TEST(Lifecycle, ThreadsBeyondTheMachineAreCappedSayingSo) {
  const fs::path dir = scratch("threads");
  const std::size_t cpus = hardware_threads();
  const Finished run = run_nslab_printing({"run", kQuick, "--quiet", "--set", "threads=" + std::to_string(cpus + 3),
                                           "--set", "max_evals=200", "--out", dir / "r.json"},
                                          dir / "log");
  EXPECT_EQ(run.status, 0) << run.output;
  EXPECT_SAYS(run, "capped at " + std::to_string(cpus));
  if (fs::exists(dir / "r.json")) {
    EXPECT_EQ(json::parse(read_file(dir / "r.json"))["config"]["threads"], cpus) << "the result records the threads used";
  }
}

TEST(Lifecycle, TheDefaultPoolNeverExceedsTheMachine) {
  EXPECT_EQ(set_default_threads(1000), hardware_threads());
  EXPECT_EQ(default_thread_pool().size(), hardware_threads());
  EXPECT_EQ(set_default_threads(1), 1u);
  EXPECT_EQ(set_default_threads(0), hardware_threads());
}

TEST(Lifecycle, HugeNLiveIsRefusedNamingTheMemoryBound) {
  const fs::path dir = scratch("huge");
  const Finished unlimited = run_nslab_printing(
      {"run", kQuick, "--quiet", "--set", "n_live=1000000000000", "--out", dir / "a.json"}, dir / "a.log");
  EXPECT_EQ(unlimited.status, 2) << unlimited.output;
  EXPECT_SAYS(unlimited, "n_live=1000000000000 needs at least");
  const Finished limited = run_nslab_printing({"run", kQuick, "--quiet", "--set", "n_live=200000000", "--out", dir / "b.json"},
                                              dir / "b.log", {.address_space = std::size_t{3} << 30});
  EXPECT_EQ(limited.status, 2) << limited.output;
  EXPECT_SAYS(limited, "(ulimit -v)");
}

// --- the output is checked before any work ------------------------------

TEST(Lifecycle, AnOutputThatIsNotAPlainFileIsRefusedAndLeftAlone) {
  const fs::path dir = scratch("out-kinds");
  fs::create_directories(dir / "a-folder");
  const Finished folder = run_nslab_printing({"run", kQuick, "--quiet", "--out", dir / "a-folder"}, dir / "1.log");
  EXPECT_EQ(folder.status, 2) << folder.output;
  EXPECT_SAYS(folder, "is a folder");

  write_file_atomically(dir / "target.json", "{\"keep\": true}\n");
  fs::create_symlink(dir / "target.json", dir / "link.json");
  const Finished link = run_nslab_printing({"run", kQuick, "--quiet", "--out", dir / "link.json"}, dir / "2.log");
  EXPECT_EQ(link.status, 2) << link.output;
  EXPECT_SAYS(link, "is a symbolic link");
  EXPECT_TRUE(fs::is_symlink(dir / "link.json"));
  EXPECT_EQ(read_file(dir / "target.json"), "{\"keep\": true}\n");

  if (geteuid() != 0) GTEST_SKIP() << "making a device node needs root";
  ASSERT_EQ(mknod((dir / "null-device").c_str(), S_IFCHR | 0666, makedev(1, 3)), 0);
  const Finished device = run_nslab_printing({"run", kQuick, "--quiet", "--out", dir / "null-device"}, dir / "3.log");
  EXPECT_EQ(device.status, 2) << device.output;
  EXPECT_SAYS(device, "is a character device");
  EXPECT_TRUE(fs::is_character_file(dir / "null-device"));
}

TEST(Lifecycle, AFolderThatCannotBeWrittenIsRefusedBeforeSampling) {
  const fs::path dir = scratch("read-only");
  fs::create_directories(dir / "locked");
  fs::permissions(dir / "locked", fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                                      fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec);
  // Root writes anywhere: run as 'nobody' then.
  const testing::ChildLimits as_user{.user = geteuid() == 0 ? uid_t{65534} : uid_t{0}};
  const Finished run = run_nslab_printing({"run", "nss/analytic/gaussian/d5/fp64", "--quiet", "--out",
                                           dir / "locked" / "r.json"},
                                          dir / "log", as_user);
  EXPECT_EQ(run.status, 2) << run.output;
  EXPECT_SAYS(run, "Permission denied");
}

// --- one run per output, and what a run leaves behind --------------------

TEST(Lifecycle, ASecondRunOnTheSameOutputIsRefused) {
  const fs::path dir = scratch("two-runs");
  const std::string out = dir / "shared.json";
  // Short steps (num_delete=10), so the first run saves whole steps well
  // before its budget ends it: max_evals is never exceeded, so a budget
  // smaller than one step would end the run with no checkpoint at all.
  const pid_t first = testing::start_nslab(
      slow_run(out, {"--set", "num_delete=10", "--set", "max_evals=3000", "--checkpoint-every", "1"}),
      dir / "first.log");
  ASSERT_TRUE(wait_for(out + ".checkpoint"));
  const Finished second = run_nslab_printing({"run", kQuick, "--quiet", "--out", out}, dir / "second.log");
  EXPECT_EQ(second.status, 2) << second.output;
  EXPECT_SAYS(second, "is writing " + out);
  const Finished first_run = testing::finish(first, dir / "first.log");
  EXPECT_EQ(first_run.status, 0) << first_run.output;
  EXPECT_EQ(json::parse(read_file(out))["cell"], "nss/plugin/slow/-/fp64");
  EXPECT_FALSE(fs::exists(out + ".lock")) << "a finished run removes its lock file";
}

TEST(Lifecycle, ACheckpointLeftBehindIsRefusedWithoutResumeAndKept) {
  const fs::path dir = scratch("left-behind");
  const std::string out = dir / "r.json";
  const pid_t killed = testing::start_nslab(slow_run(out, {"--checkpoint-every", "1"}));
  ASSERT_TRUE(wait_for(out + ".checkpoint"));
  kill(killed, SIGKILL);
  testing::wait_exit_code(killed);
  const std::string saved = read_file(out + ".checkpoint");
  const Finished again = run_nslab_printing(slow_run(out, {"--set", "max_evals=1500"}), dir / "again.log");
  EXPECT_EQ(again.status, 2) << again.output;
  EXPECT_SAYS(again, "--resume");
  ASSERT_TRUE(fs::exists(out + ".checkpoint"));
  EXPECT_EQ(read_file(out + ".checkpoint"), saved);
}

// --- budgets, checked between likelihood calls ---------------------------

// The slow plugin, 50 live points, calls of five points: each call takes at
// least 10 ms, the initial population is 10 calls and one outer step more
// than 100.
std::vector<std::string> slow_calls(const std::string& out, const std::string& budget) {
  return slow_run(out, {"--set", "chunk_size=5", "--set", "n_live=50", "--set", "num_delete=25", "--set", budget});
}

json result_of(const std::string& out) { return json::parse(read_file(out)); }

TEST(Lifecycle, MaxEvalsIsHonouredBetweenLikelihoodCalls) {
  const fs::path dir = scratch("max-evals");
  const std::string out = dir / "r.json";
  const Finished run = run_nslab_printing(slow_calls(out, "max_evals=100"), dir / "log");
  ASSERT_EQ(run.status, 0) << run.output;
  EXPECT_EQ(result_of(out)["results"]["stopped_by"], "max_evals");
  // Never past it, and short of it by less than one call (five points).
  // Checked per outer step, the first step alone would take it past 600.
  const std::size_t evals = result_of(out)["performance"]["likelihood_evals"];
  EXPECT_LE(evals, 100u);
  EXPECT_GT(evals, 95u);
}

TEST(Lifecycle, MaxWallIsHonouredBetweenLikelihoodCalls) {
  const fs::path dir = scratch("max-wall");
  const std::string out = dir / "r.json";
  const Finished run = run_nslab_printing(slow_calls(out, "max_wall_s=0.8"), dir / "log");
  ASSERT_EQ(run.status, 0) << run.output;
  EXPECT_EQ(result_of(out)["results"]["stopped_by"], "max_wall_s");
  // Not a timing: each call takes at least 10 ms (five points of 2 ms on one
  // thread) and one starts only while less than 0.8 s has passed, so at most
  // 80 start. Checked per outer step, the first step ends past 130 calls.
  EXPECT_LE(result_of(out)["performance"]["likelihood_calls"].get<std::size_t>(), 80u);
}

TEST(Lifecycle, ABudgetThatCannotHoldTheInitialPopulationIsRefusedOrFails) {
  const fs::path dir = scratch("budget-init");
  const std::string out = dir / "r.json";
  // max_evals below n_live is known before any work.
  const Finished evals = run_nslab_printing(slow_calls(out, "max_evals=20"), dir / "evals.log");
  EXPECT_EQ(evals.status, 2) << evals.output;
  EXPECT_SAYS(evals, "max_evals (20) is below n_live (50)");
  // 50 points at 2 ms each: the initial population takes at least 0.1 s.
  const Finished wall = run_nslab_printing(slow_calls(out, "max_wall_s=0.01"), dir / "wall.log");
  EXPECT_EQ(wall.status, 1) << wall.output;
  EXPECT_SAYS(wall, "max_wall_s=0.01 was spent during the initial population");
  EXPECT_FALSE(fs::exists(out)) << "no result without an estimate";
}

// --- likelihoods that give nothing to work with ---------------------------

TEST(Lifecycle, ALikelihoodThatIsNaNOrInfiniteEverywhereFails) {
  const fs::path dir = scratch("not-finite");
  for (const std::string cell : {"nss/plugin/nan/-/fp64", "nautilus/plugin/inf/-/fp64"}) {
    const std::string fault = cell.find("nan") != std::string::npos ? "nan" : "inf";
    const std::string out = dir / (fault + ".json");
    const Finished run = run_nslab_printing({"run", cell, "--quiet", "--set", plugin(fault), "--set",
                                             "max_evals=3000", "--out", out},
                                            dir / (fault + ".log"));
    EXPECT_EQ(run.status, 1) << cell << ":\n" << run.output;
    EXPECT_SAYS(run, "likelihood values so far was NaN or +inf");
    EXPECT_FALSE(fs::exists(out)) << cell;
  }
}

// --- the checkpoint outlives a failed final write --------------------------

TEST(Lifecycle, AFailedFinalWriteKeepsTheCheckpointToResumeFrom) {
  const fs::path dir = scratch("final-write");
  const std::string out = dir / "late.json";
  const std::vector<std::string> short_steps = {"--set", "num_delete=10", "--set", "max_evals=2000"};
  std::vector<std::string> first_args = short_steps;
  first_args.insert(first_args.end(), {"--checkpoint-every", "1"});
  const pid_t pid = testing::start_nslab(slow_run(out, first_args), dir / "first.log");
  ASSERT_TRUE(wait_for(out + ".checkpoint"));
  fs::create_directory(out);  // a folder appears where the result goes
  const Finished first = testing::finish(pid, dir / "first.log");
  EXPECT_EQ(first.status, 1) << first.output;
  EXPECT_SAYS(first, out);
  ASSERT_TRUE(fs::exists(out + ".checkpoint")) << "the run's work is kept when its result cannot be written";
  fs::remove(out);
  std::vector<std::string> resume_args = short_steps;
  resume_args.push_back("--resume");
  const Finished resumed = run_nslab_printing(slow_run(out, resume_args), dir / "resumed.log");
  EXPECT_EQ(resumed.status, 0) << resumed.output;
  EXPECT_TRUE(fs::is_regular_file(out));
  EXPECT_FALSE(fs::exists(out + ".checkpoint"));
}

// --- plugins that crash or end the process --------------------------------

TEST(Lifecycle, APluginThatCrashesOrExitsIsNamedWithItsSignalAndTheRunFails) {
  const fs::path dir = scratch("plugin-crash");
  const std::vector<std::pair<std::string, std::string>> faults = {
      {"segv", "crashed with SIGSEGV"},
      {"abort", "crashed with SIGABRT"},
      {"ctor_crash", "crashed with SIGSEGV (signal 11, Segmentation fault) while loading"},
      {"exit0", "called exit()"}};
  for (const auto& [fault, words] : faults) {
    const std::string out = dir / (fault + ".json");
    const Finished run = run_nslab_printing({"run", "nss/plugin/" + fault + "/-/fp64", "--quiet", "--set",
                                             plugin(fault), "--out", out},
                                            dir / (fault + ".log"));
    EXPECT_EQ(run.status, 1) << fault << ":\n" << run.output;
    EXPECT_SAYS(run, "plugin " + fault + " (");
    EXPECT_SAYS(run, words);
    EXPECT_FALSE(fs::exists(out)) << fault << ": no result for a run that did not finish";
  }
}

// --- numbers and names, parsed strictly ------------------------------------

TEST(Lifecycle, NumbersAreParsedStrictlyAndTheMessageNamesTheFault) {
  const fs::path dir = scratch("numbers");
  const std::string out = dir / "r.json";
  const std::vector<std::pair<std::vector<std::string>, std::string>> refusals = {
      {{"run", kQuick, "--checkpoint-every", "-1", "--out", out}, "-1 is negative"},
      {{"run", kQuick, "--checkpoint-every", "99999999999999999999", "--out", out}, "is out of range"},
      {{"simulate", "ci", "--seed", "-1", "--out", dir / "sim"}, "-1 is negative"},
      {{"run", kQuick, "--set", "n_live=99999999999999999999", "--out", out}, "n_live=99999999999999999999 is out of range"},
      {{"run", kQuick, "--set", "termination=1e999", "--out", out}, "termination=1e999 is out of range"},
      {{"run", kQuick, "--set", "seed=18446744073709551616", "--out", out}, "is out of range"},
      {{"run", kQuick, "--set", "n_live=-5", "--out", out}, "n_live=-5 is negative"},
      {{"run", kQuick, "--set", "n_live=100", "--set", "n_live=300", "--out", out}, "n_live is given twice"},
      {{"probe", kQuick, "--budget", "0"}, "no chunk_size fits"},
      {{"eval", kQuick, "--at", "nan,nan"}, "--at value nan is not a number"},
      {{"eval", kQuick, "--at", "inf,0"}, "--at value inf is not finite"},
      {{"eval", kQuick, "--at", "bench:x"}, "--at bench:x is not"},
  };
  int i = 0;
  for (const auto& [args, words] : refusals) {
    const Finished run = run_nslab_printing(args, dir / (std::to_string(i++) + ".log"));
    EXPECT_EQ(run.status, 2) << args[0] << " " << args[2] << " " << args[3] << ":\n" << run.output;
    EXPECT_SAYS(run, words);
  }
  EXPECT_FALSE(fs::exists(out));
  EXPECT_FALSE(fs::exists(dir / "sim"));
}

TEST(Lifecycle, PluginNamesThatWouldEscapeTheResultsFolderAreRefused) {
  const fs::path dir = scratch("plugin-names");
  for (const std::string name : {"..", ".", "*", ".hidden"}) {
    const Finished run = run_nslab_printing({"run", "nss/plugin/" + name + "/-/fp64", "--quiet", "--set",
                                             plugin("nan"), "--set", "max_evals=200", "--results-root",
                                             dir / "results"},
                                            dir / "log");
    EXPECT_EQ(run.status, 2) << name << ":\n" << run.output;
    EXPECT_SAYS(run, "plugin name '" + name + "'");
  }
  EXPECT_FALSE(fs::exists(dir / "results")) << "nothing is written for a refused cell";
}

TEST(Lifecycle, AMissingNoiseMapOrPsfIsABadDatasetLikeAMissingImage) {
  const fs::path dir = scratch("dataset");
  ASSERT_EQ(testing::run_nslab({"simulate", "ci", "--out", dir / "whole"}), 0);
  for (const std::string missing : {"data.fits", "noise_map.fits", "psf.fits"}) {
    const fs::path partial = dir / ("without-" + missing);
    fs::create_directories(partial);
    for (const std::string file : {"data.fits", "noise_map.fits", "psf.fits"})
      if (file != missing) fs::copy_file(dir / "whole" / file, partial / file);
    const Finished run = run_nslab_printing({"run", "nss/imaging/mge/ci/fp64", "--quiet", "--set",
                                             "dataset=" + partial.string(), "--out", dir / "r.json"},
                                            dir / "log");
    EXPECT_EQ(run.status, 2) << missing << ":\n" << run.output;
    EXPECT_SAYS(run, "no " + missing);
  }
}

}  // namespace
}  // namespace nslab
