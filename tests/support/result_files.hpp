#pragma once
// Folders and result files for tests that run nslab: a fresh scratch folder
// per test, and the part of a result file a resumed run must reproduce.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "core/atomic_file.hpp"

namespace nslab::testing {

// <build>/test-scratch/SUITE.TEST, created: the running test's own folder. ctest runs
// each test as its own process, side by side under -j, so two tests that
// wrote to one folder could read each other's files.
inline std::filesystem::path test_scratch_root() {
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string test = info != nullptr ? std::string(info->test_suite_name()) + "." + info->name() : "outside-a-test";
  std::replace(test.begin(), test.end(), '/', '_');  // parameterised tests' names
  const std::filesystem::path root = std::filesystem::path(NSLAB_BINARY_DIR) / "test-scratch" / test;
  std::filesystem::create_directories(root);
  return root;
}

// test_scratch_root()/NAME, emptied.
inline std::filesystem::path scratch_dir(const std::string& name) {
  const std::filesystem::path dir = test_scratch_root() / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// Everything in a result file that does not depend on timing or the host:
// what an interrupted and resumed run must give bit for bit.
inline nlohmann::json reproducible_part(const std::filesystem::path& path) {
  const nlohmann::json document = nlohmann::json::parse(read_file(path.string()));
  return {{"cell", document["cell"]},
          {"config", document["config"]},
          {"results", document["results"]},
          {"model_summary", document["model_summary"]},
          {"likelihood_evals", document["performance"]["likelihood_evals"]}};
}

}  // namespace nslab::testing
