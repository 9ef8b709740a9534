#pragma once
// The PyAutoArray reference values for the mesh tests, made by
// tests/likelihoods/lens/mesh_reference_make.py and committed beside it
// (mesh_reference.json).
#include <filesystem>
#include <fstream>
#include <vector>

#include <nlohmann/json.hpp>

namespace nslab::mesh_test {

inline const nlohmann::json& reference() {
  static const nlohmann::json document = [] {
    std::ifstream in(std::filesystem::path(NSLAB_SOURCE_DIR) /
                     "tests/likelihoods/lens/mesh_reference.json");
    return nlohmann::json::parse(in);
  }();
  return document;
}

inline std::vector<double> doubles(const nlohmann::json& j) { return j.get<std::vector<double>>(); }
inline std::vector<int> ints(const nlohmann::json& j) { return j.get<std::vector<int>>(); }

}  // namespace nslab::mesh_test
