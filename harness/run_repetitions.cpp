#include "harness/run_repetitions.hpp"

#include "harness/run_naming.hpp"

namespace nslab {

std::vector<PlannedRun> plan_repeated_runs(const std::string& base, const std::map<std::string, std::string>& overrides,
                                           const std::vector<std::string>& seeds, std::size_t repeat) {
  std::vector<PlannedRun> runs;
  const std::vector<std::string> seed_list = seeds.empty() ? std::vector<std::string>{""} : seeds;
  for (std::size_t r = 1; r <= repeat; ++r) {
    for (const auto& seed : seed_list) {
      RunVariant variant;
      PlannedRun run{"", overrides};
      if (!seed.empty()) {
        variant.settings["seed"] = seed;
        run.overrides["seed"] = seed;
      }
      variant.repeat = repeat > 1 ? r : 0;
      run.path = run_result_path(base, variant);
      runs.push_back(std::move(run));
    }
  }
  return runs;
}

}  // namespace nslab
