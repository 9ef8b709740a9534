#pragma once
// A cell run several times so that compare has samples to test: N seeds,
// each repeated R times (same seed: the same `results`, fresh timings), one
// result file per run, named by run_naming (docs/compare.md). Runs are
// interleaved (repetition 1 of every seed, then repetition 2, ...) so a slow
// spell of a busy machine spreads over the seeds instead of landing on one.
#include <map>
#include <string>
#include <vector>

namespace nslab {

struct PlannedRun {
  std::string path;
  std::map<std::string, std::string> overrides;  // the given ones, with the run's seed
};

// `base`: the single-run result path. `seeds` empty: the configured seed only
// (no seed in the file names). `repeat` 1: no repeat in the names.
std::vector<PlannedRun> plan_repeated_runs(const std::string& base, const std::map<std::string, std::string>& overrides,
                                           const std::vector<std::string>& seeds, std::size_t repeat);

}  // namespace nslab
