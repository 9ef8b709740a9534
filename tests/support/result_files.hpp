#pragma once
// Folders and result files for tests that run nslab: a fresh scratch folder
// per test, and the part of a result file a resumed run must reproduce.
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "core/atomic_file.hpp"

namespace nslab::testing {

// <build>/test-scratch/NAME, emptied.
inline std::filesystem::path scratch_dir(const std::string& name) {
  const std::filesystem::path dir = std::filesystem::path(NSLAB_BINARY_DIR) / "test-scratch" / name;
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
