#pragma once
// Which baseline runs are compared with which candidate runs. Runs are first
// grouped by configuration (cell and every setting that changes what is
// computed; seeds and repetitions of one configuration form one group), then
// groups are paired across the two sides:
//   config  (default) same cell, same configuration: a regression check;
//   cell    same cell, any configuration (the differences are listed);
//   problem same dataset/model/instrument/precision, any sampler: every
//           baseline group of a problem against every candidate group of it
//           (nslab against af.Nautilus, NSS against Nautilus).
// Whatever is left over is reported with the reason. See docs/compare.md.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "harness/compare/run_record.hpp"

namespace nslab {

enum class MatchBy { kConfig, kCell, kProblem };
MatchBy parse_match_by(const std::string& text);  // UsageError for anything else
std::string to_string(MatchBy match);

// Settings that say how a run was executed, not what it computes: runs that
// differ only in these belong to one configuration (differences are listed).
const std::set<std::string>& execution_settings();

struct RunGroup {
  std::string cell, problem, sampler;
  std::map<std::string, std::string> configuration;  // settings without execution_settings()
  std::vector<RunRecord> runs;
};

struct SettingDifference {
  std::string key, baseline, candidate;  // values joined with ", "; "-" when unset
};

struct GroupPair {
  std::size_t baseline = 0, candidate = 0;  // indices into Pairing::baseline / ::candidate
  std::vector<SettingDifference> differences;
};

struct UnpairedGroup {
  std::string side;  // "baseline" or "candidate"
  std::size_t group = 0;
  std::string reason;
};

struct LeftOutRun {
  std::string side, path, reason;
};

struct Pairing {
  MatchBy match = MatchBy::kConfig;
  std::vector<RunGroup> baseline, candidate;
  std::vector<GroupPair> pairs;
  std::vector<UnpairedGroup> unpaired;
  std::vector<LeftOutRun> left_out;
};

// Runs stopped by a budget are left out (listed in left_out) unless
// include_unfinished. A file given on both sides is a UsageError.
Pairing pair_runs(std::vector<RunRecord> baseline, std::vector<RunRecord> candidate, MatchBy match,
                  bool include_unfinished);

std::vector<RunGroup> group_by_configuration(std::vector<RunRecord> runs);

}  // namespace nslab
