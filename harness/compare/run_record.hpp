#pragma once
// What compare and calibrate read from one result file: the table row plus
// the settings, seed, posterior summary and notes. nslab's layout and
// autolens_profiling's (whose files carry no log Z error and no posterior).
#include <map>
#include <string>
#include <vector>

#include "harness/result_reader.hpp"

namespace nslab {

struct RunRecord {
  ResultRow row;
  std::string cell;                             // sampler/dataset/model/instrument/precision
  std::map<std::string, std::string> settings;  // as text; strings unquoted
  std::string seed;                             // empty when the file records none
  std::vector<std::string> parameter_names;
  std::vector<double> posterior_mean, posterior_std;
  std::string notes;                            // a peer's caveat, shown beside its figures
  std::string build;                            // git sha, or the peer's versions
};

// Reads result files and folders as read_results does (same refusals).
std::vector<RunRecord> read_run_records(const std::vector<std::string>& paths);
RunRecord run_record_from(const nlohmann::json& document, const std::string& path);

}  // namespace nslab
