#include "harness/compare/run_pairing.hpp"

#include <algorithm>
#include <filesystem>

#include "core/error.hpp"
#include "harness/run_completion.hpp"

namespace nslab {
namespace {

std::string join(const std::set<std::string>& values) {
  if (values.empty()) return "-";
  std::string text;
  for (const auto& value : values) text += (text.empty() ? "" : ", ") + value;
  return text;
}

std::set<std::string> values_of(const RunGroup& group, const std::string& key) {
  std::set<std::string> values;
  for (const auto& run : group.runs)
    if (const auto found = run.settings.find(key); found != run.settings.end()) values.insert(found->second);
  return values;
}

std::vector<SettingDifference> differences_between(const RunGroup& baseline, const RunGroup& candidate) {
  std::set<std::string> keys;
  for (const RunGroup* group : {&baseline, &candidate})
    for (const auto& run : group->runs)
      for (const auto& [key, value] : run.settings) keys.insert(key);
  keys.erase("seed");  // seeds are listed with the runs
  std::vector<SettingDifference> differences;
  // Two samplers have settings of their own; list only those they share.
  const bool same_cell = baseline.cell == candidate.cell;
  for (const auto& key : keys) {
    const auto b = values_of(baseline, key), c = values_of(candidate, key);
    if (b != c && (same_cell || (!b.empty() && !c.empty()))) differences.push_back({key, join(b), join(c)});
  }
  return differences;
}

bool pairs_with(const RunGroup& a, const RunGroup& b, MatchBy match) {
  switch (match) {
    case MatchBy::kConfig: return a.cell == b.cell && a.configuration == b.configuration;
    case MatchBy::kCell: return a.cell == b.cell;
    case MatchBy::kProblem: return a.problem == b.problem;
  }
  return false;
}

// Why nothing on `other` pairs with `group`, naming the nearest miss.
std::string unpaired_reason(const RunGroup& group, const std::vector<RunGroup>& other, const std::string& other_side,
                            MatchBy match) {
  for (const auto& candidate : other) {
    if (candidate.cell != group.cell) continue;
    std::string text;
    for (const auto& d : differences_between(group, candidate)) {
      if (execution_settings().count(d.key)) continue;
      if (!text.empty()) text += ", ";
      text += d.key + " " + d.baseline + " here, " + d.candidate + " there";
    }
    return "the " + other_side + " runs of this cell have other settings (" + text +
           "); --match cell pairs them anyway";
  }
  for (const auto& candidate : other)
    if (candidate.problem == group.problem && match != MatchBy::kProblem)
      return "the " + other_side + " has " + group.problem + " only from " + candidate.sampler +
             "; --match problem pairs across samplers";
  return "no " + other_side + " run of " + (match == MatchBy::kProblem ? group.problem : group.cell);
}

}  // namespace

MatchBy parse_match_by(const std::string& text) {
  if (text == "config") return MatchBy::kConfig;
  if (text == "cell") return MatchBy::kCell;
  if (text == "problem") return MatchBy::kProblem;
  throw UsageError("--match must be config, cell or problem, not '" + text + "'");
}

std::string to_string(MatchBy match) {
  switch (match) {
    case MatchBy::kConfig: return "config";
    case MatchBy::kCell: return "cell";
    case MatchBy::kProblem: return "problem";
  }
  return "?";
}

const std::set<std::string>& execution_settings() {
  // threads and the wall budget change timings, not results; plugin is the
  // path of the library, which two builds of one likelihood do not share.
  static const std::set<std::string> keys = {"seed", "threads", "max_wall_s", "plugin"};
  return keys;
}

std::vector<RunGroup> group_by_configuration(std::vector<RunRecord> runs) {
  std::vector<RunGroup> groups;
  for (auto& run : runs) {
    std::map<std::string, std::string> configuration = run.settings;
    for (const auto& key : execution_settings()) configuration.erase(key);
    auto found = std::find_if(groups.begin(), groups.end(), [&](const RunGroup& group) {
      return group.cell == run.cell && group.configuration == configuration;
    });
    if (found == groups.end()) {
      RunGroup group;
      group.cell = run.cell;
      group.problem = run.row.group();
      group.sampler = run.row.sampler;
      group.configuration = std::move(configuration);
      groups.push_back(std::move(group));
      found = std::prev(groups.end());
    }
    found->runs.push_back(std::move(run));
  }
  std::sort(groups.begin(), groups.end(), [](const RunGroup& a, const RunGroup& b) {
    return std::tie(a.problem, a.cell, a.configuration) < std::tie(b.problem, b.cell, b.configuration);
  });
  return groups;
}

Pairing pair_runs(std::vector<RunRecord> baseline, std::vector<RunRecord> candidate, MatchBy match,
                  bool include_unfinished) {
  namespace fs = std::filesystem;
  for (const auto& b : baseline)
    for (const auto& c : candidate)
      if (fs::weakly_canonical(b.row.path) == fs::weakly_canonical(c.row.path))
        throw UsageError(b.row.path + " is both a baseline and a candidate; give each file on one side only");
  Pairing pairing;
  pairing.match = match;
  auto keep_finished = [&](std::vector<RunRecord>& runs, const std::string& side) {
    if (include_unfinished) return;
    std::erase_if(runs, [&](const RunRecord& run) {
      if (finished(run.row)) return false;
      pairing.left_out.push_back({side, run.row.path,
                                  "stopped by " + run.row.stopped_by +
                                      ", not finished (--include-unfinished compares it anyway)"});
      return true;
    });
  };
  keep_finished(baseline, "baseline");
  keep_finished(candidate, "candidate");
  pairing.baseline = group_by_configuration(std::move(baseline));
  pairing.candidate = group_by_configuration(std::move(candidate));

  std::vector<bool> candidate_used(pairing.candidate.size(), false);
  for (std::size_t b = 0; b < pairing.baseline.size(); ++b) {
    bool used = false;
    for (std::size_t c = 0; c < pairing.candidate.size(); ++c) {
      if (!pairs_with(pairing.baseline[b], pairing.candidate[c], match)) continue;
      pairing.pairs.push_back({b, c, differences_between(pairing.baseline[b], pairing.candidate[c])});
      used = candidate_used[c] = true;
    }
    if (!used)
      pairing.unpaired.push_back(
          {"baseline", b, unpaired_reason(pairing.baseline[b], pairing.candidate, "candidate", match)});
  }
  for (std::size_t c = 0; c < pairing.candidate.size(); ++c)
    if (!candidate_used[c])
      pairing.unpaired.push_back(
          {"candidate", c, unpaired_reason(pairing.candidate[c], pairing.baseline, "baseline", match)});
  return pairing;
}

}  // namespace nslab
