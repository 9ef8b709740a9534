#pragma once
// Runs one cell end to end and returns its result document
// (schema nslab.result/1, harness.md).
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "cells/cell_id.hpp"
#include "harness/system_info.hpp"

namespace nslab {

using Json = nlohmann::ordered_json;

struct RunOptions {
  std::map<std::string, std::string> overrides;
  bool quiet = true;
  bool resume = false;
  std::string checkpoint_path;  // empty: none
  std::size_t checkpoint_every = 10;
};

Json run_cell(const CellId& cell, const RunOptions& options);

// results/<cell without precision>/<device>_<precision>.json
std::string default_result_path(const CellId& cell, const std::string& device_short_name,
                                const std::string& root = "results");

// The device the cell's backend setting selects.
DeviceInfo device_info_for_backend(const std::string& backend);

}  // namespace nslab
