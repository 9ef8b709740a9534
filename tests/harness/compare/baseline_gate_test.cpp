// The CI gate against results/baselines/: the runs of cells.txt made afresh
// must agree with the committed ones (correctness) and take no more memory;
// speed verdicts are printed, never failing (CI machines are not this one).
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/atomic_file.hpp"
#include "harness/compare/result_fixtures.hpp"
#include "support/nslab_process.hpp"

namespace nslab {
namespace {

namespace fs = std::filesystem;

const fs::path kBaselines = fs::path(NSLAB_SOURCE_DIR) / "results/baselines";

// The lines of cells.txt as nslab run arguments, as scripts/update-baselines builds them.
std::vector<std::vector<std::string>> baseline_runs(const fs::path& root) {
  std::vector<std::vector<std::string>> runs;
  std::ifstream lines(kBaselines / "cells.txt");
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream words(line);
    std::string cell;
    words >> cell;
    std::vector<std::string> arguments = {"run", cell, "--quiet", "--repeat", "5", "--results-root", root.string(),
                                          "--set", "threads=1", "--set", "seed=1"};
    for (std::string setting; words >> setting;) {
      arguments.push_back("--set");
      arguments.push_back(setting);
    }
    runs.push_back(arguments);
  }
  return runs;
}

int compare(const fs::path& candidate, const fs::path& report) {
  return testing::run_nslab({"compare", kBaselines.string(), "--against", candidate.string(), "--fail-on",
                             "incorrect,memory", "--out", report.string()});
}

TEST(BaselineGate, FreshRunsAgreeWithTheCommittedBaselines) {
  const fs::path dir = testing::scratch_dir("baseline-gate");
  const fs::path fresh = dir / "fresh";
  const auto runs = baseline_runs(fresh);
  ASSERT_FALSE(runs.empty());
  for (const auto& arguments : runs) ASSERT_EQ(testing::run_nslab(arguments), 0) << arguments[1];
  const fs::path report = dir / "report.md";
  const int status = compare(fresh, report);
  const std::string text = read_file(report.string());
  std::printf("%s", text.c_str());  // the speed verdicts, for the CI log
  EXPECT_EQ(status, 0) << "a fresh run disagrees with results/baselines (see the report above); "
                          "if the change is meant to, run scripts/update-baselines and commit";

  // The gate has teeth: the same runs with one cell's log Z moved by 10 nats fail it.
  const fs::path doctored = dir / "doctored";
  fs::copy(fresh, doctored, fs::copy_options::recursive);
  int moved = 0;
  for (const auto& entry : fs::recursive_directory_iterator(doctored)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".json" ||
        entry.path().string().find("nss/analytic/gaussian") == std::string::npos)
      continue;
    auto document = nlohmann::json::parse(read_file(entry.path().string()));
    document["results"]["log_evidence"] = document["results"]["log_evidence"].get<double>() + 10.0;
    write_file_atomically(entry.path().string(), document.dump());
    ++moved;
  }
  ASSERT_EQ(moved, 5);
  EXPECT_EQ(compare(doctored, dir / "doctored.md"), 1);
}

}  // namespace
}  // namespace nslab
