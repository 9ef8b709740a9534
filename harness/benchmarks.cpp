#include "harness/benchmarks.hpp"

#include <fnmatch.h>

#include <cmath>
#include <map>
#include <memory>

#include <benchmark/benchmark.h>

#include "build_info.hpp"
#include "cells/cell_catalog.hpp"
#include "cells/likelihood_registry.hpp"
#include "cells/sampler_nss.hpp"
#include "core/memory_meter.hpp"
#include "core/random_stream.hpp"
#include "core/thread_pool.hpp"
#include "harness/run_cell.hpp"
#include "harness/system_info.hpp"
#include "samplers/nss/nss_sampler.hpp"

namespace nslab {
namespace {

bool matches(const std::string& glob, const std::string& text) {
  return fnmatch(glob.c_str(), text.c_str(), 0) == 0;
}

// The tracked allocators are the memory truth of a run (host and device
// meters); Google Benchmark's memory pass reads their high-water mark.
class TrackedMemoryManager final : public benchmark::MemoryManager {
 public:
  void Start() override {
    host_start_ = host_memory_meter().current_bytes();
    device_start_ = device_memory_meter().current_bytes();
    host_memory_meter().reset_peak();
    device_memory_meter().reset_peak();
  }
  void Stop(Result& result) override {
    result.max_bytes_used = static_cast<int64_t>(host_memory_meter().peak_bytes() - host_start_ +
                                                 device_memory_meter().peak_bytes() - device_start_);
  }
  void Stop(Result* result) override { Stop(*result); }

 private:
  std::size_t host_start_ = 0, device_start_ = 0;
};

void run_cell_benchmark(benchmark::State& state, const CellId& cell) {
  CellRun run;
  for (auto _ : state) run = run_cell(cell, RunOptions{});
  state.counters["ms_per_eval"] = run.time_per_eval_ms();
  state.counters["evals"] = static_cast<double>(run.result.counters.likelihood_evals);
  state.counters["log_z"] = std::isfinite(run.result.log_evidence) ? run.result.log_evidence : 0.0;
  state.counters["peak_bytes"] = static_cast<double>(run.memory.device_peak.bytes);
  state.counters["sampler_overhead"] = run.sampler_overhead_fraction();
}

void run_likelihood_benchmark(benchmark::State& state, const CellId& cell,
                              const std::map<std::string, std::string>& overrides,
                              std::size_t threads, std::size_t k) {
  // Google Benchmark calls this once per repetition and once more for the
  // memory pass; a pixelized likelihood takes seconds to build (w-tilde, the
  // image mesh), so each is built once per process and kept.
  static std::map<std::pair<std::string, std::map<std::string, std::string>>, std::shared_ptr<Likelihood>> built;
  auto& slot = built[{cell.str(), overrides}];
  if (!slot) slot = make_likelihood(cell, resolve_settings(cell, overrides));
  const std::shared_ptr<Likelihood> likelihood = slot;
  set_default_threads(threads);
  std::vector<double> points(k * likelihood->dim()), log_l(k), unit(likelihood->dim());
  for (std::size_t i = 0; i < k; ++i)
    benchmark_point(*likelihood, i, std::span<double>(points).subspan(i * unit.size(), unit.size()));
  Workspace workspace(likelihood->workspace_allocator());
  likelihood->evaluate(points, log_l, workspace);  // reserve the arena outside the timing
  for (auto _ : state) {
    likelihood->evaluate(points, log_l, workspace);
    benchmark::DoNotOptimize(log_l.data());
  }
  set_default_threads(0);
  // items_per_second is evaluations per second of the batched call; ms_per_eval
  // its inverse (wall time, so two threads show their speed-up).
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * k));
  state.counters["ms_per_eval"] = benchmark::Counter(
      1e-3 * static_cast<double>(k), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  state.counters["bytes_per_replica"] = static_cast<double>(likelihood->bytes_per_replica());
}

// Every combination of the variations' values, as settings overrides.
std::vector<std::map<std::string, std::string>> combinations(
    const std::map<std::string, std::vector<std::string>>& variations) {
  std::vector<std::map<std::string, std::string>> out = {{}};
  for (const auto& [key, values] : variations) {
    std::vector<std::map<std::string, std::string>> next;
    for (const auto& partial : out)
      for (const std::string& value : values) {
        auto combination = partial;
        combination[key] = value;
        next.push_back(std::move(combination));
      }
    out = std::move(next);
  }
  return out;
}

// The variations a family knows (its defaults name the key); the others are
// dropped, so imaging/mge is not run twice for inversion=dense|sparse.
std::map<std::string, std::string> known_overrides(const std::string& family,
                                                   const std::map<std::string, std::string>& overrides) {
  std::map<std::string, std::string> known;
  const auto& defaults = likelihood_family(family).defaults;
  for (const auto& [key, value] : overrides)
    if (defaults.count(key) != 0) known[key] = value;
  return known;
}

// One NSS outer step (num_delete chains of num_inner_steps slice steps) with
// chunk_size k, at the cell's own settings: the sampler's unit of work, timed
// against k.
void run_nss_step_benchmark(benchmark::State& state, const CellId& cell, std::size_t k) {
  const Settings settings = resolve_settings(cell, {});
  const auto likelihood = make_likelihood(cell, settings);
  NssSettings nss = nss_settings_from(settings, likelihood->dim());
  nss.chunk_size = k;
  NssSampler sampler(*likelihood, nss);
  BatchEvaluator evaluator(*likelihood);
  NssState nss_state = sampler.initialise(evaluator);
  const std::size_t evals_before = evaluator.counters().likelihood_evals;
  for (auto _ : state) sampler.step(nss_state, evaluator);
  state.counters["evals_per_step"] =
      static_cast<double>(evaluator.counters().likelihood_evals - evals_before) / state.iterations();
}

}  // namespace

BenchSelection default_bench_selection(const std::string& precision) {
  BenchSelection selection;
  selection.cell_glob = "*/*/*/ci/" + precision;
  selection.likelihood_globs = {"*/ci/" + precision};
  selection.batch_sizes = {1, 4, 16, 64};
  selection.nss_step_glob = "synthetic/mapping/ci/" + precision;
  return selection;
}

void benchmark_point(const Likelihood& likelihood, std::size_t i, std::span<double> point) {
  const RandomStream stream(7, RandomPurpose::kProbePoints, static_cast<std::uint32_t>(i));
  std::vector<double> unit(likelihood.dim());
  for (std::size_t d = 0; d < unit.size(); ++d) unit[d] = stream.uniform(static_cast<std::uint32_t>(d));
  likelihood.prior().from_unit(unit, point);
}

std::size_t register_benchmarks(const BenchSelection& selection) {
  std::size_t count = 0;
  std::vector<std::string> likelihoods_seen;
  for (const CellId& cell : all_cells()) {
    const std::string family_id = cell.family() + "/" + cell.instrument + "/" + to_string(cell.precision);
    if (cell.sampler == "nss" && matches(selection.nss_step_glob, family_id)) {
      for (std::size_t k : selection.batch_sizes) {
        benchmark::RegisterBenchmark(("nss_step/" + family_id + "/k:" + std::to_string(k)).c_str(),
                                     run_nss_step_benchmark, cell, k)
            ->Unit(benchmark::kMillisecond);
        ++count;
      }
    }
    if (matches(selection.cell_glob, cell.str())) {
      benchmark::RegisterBenchmark(("cell/" + cell.str()).c_str(), run_cell_benchmark, cell)
          ->Iterations(1)
          ->Unit(benchmark::kMillisecond);
      ++count;
    }
    const std::string likelihood_id = cell.family() + "/" + cell.instrument + "/" + to_string(cell.precision);
    const bool selected = std::any_of(selection.likelihood_globs.begin(), selection.likelihood_globs.end(),
                                      [&](const std::string& glob) { return matches(glob, likelihood_id); });
    if (!selected || std::find(likelihoods_seen.begin(), likelihoods_seen.end(), likelihood_id) != likelihoods_seen.end())
      continue;
    likelihoods_seen.push_back(likelihood_id);
    std::vector<std::map<std::string, std::string>> variants;
    for (const auto& combination : combinations(selection.variations)) {
      auto known = known_overrides(cell.family(), combination);
      if (std::find(variants.begin(), variants.end(), known) == variants.end()) variants.push_back(known);
    }
    for (const auto& overrides : variants)
      for (std::size_t threads : selection.threads)
        for (std::size_t k : selection.batch_sizes) {
          std::string name = "likelihood/" + likelihood_id;
          for (const auto& [key, value] : overrides) name += "/" + key + ":" + value;
          if (threads != 0) name += "/threads:" + std::to_string(threads);
          name += "/k:" + std::to_string(k);
          benchmark::RegisterBenchmark(name.c_str(), run_likelihood_benchmark, cell, overrides, threads, k)
              ->Unit(benchmark::kMillisecond)
              ->UseRealTime();
          ++count;
        }
  }
  return count;
}

void install_memory_manager() {
  static TrackedMemoryManager manager;
  benchmark::RegisterMemoryManager(&manager);
  benchmark::AddCustomContext("nslab_version", build_info::kVersion);
  benchmark::AddCustomContext("nslab_git_sha", build_info::kGitSha);
  benchmark::AddCustomContext("nslab_preset", build_info::kPreset);
  benchmark::AddCustomContext("nslab_precision", build_info::kPrecision);
  benchmark::AddCustomContext("cpu", cpu_identity());
}

}  // namespace nslab
