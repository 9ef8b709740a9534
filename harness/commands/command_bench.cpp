// nslab bench [--cells GLOB] [--likelihoods GLOB,...] [--batch-sizes 1,4,16]
//             [--vary KEY=V1,V2]... [--threads 1,2] [Google Benchmark flags]
// Cells and likelihoods become Google Benchmark benchmarks at run time.
#include <benchmark/benchmark.h>

#include <sstream>

#include "build_info.hpp"
#include "core/error.hpp"
#include "cells/settings.hpp"
#include "core/thread_pool.hpp"
#include "harness/benchmarks.hpp"
#include "harness/commands/commands.hpp"
#include "harness/commands/option_checks.hpp"

namespace nslab {
namespace {
struct BenchArguments {
  std::string cells, nss_steps;
  std::vector<std::string> likelihoods, variations;
  std::vector<std::size_t> batch_sizes, threads;
};
}  // namespace

CommandRunner add_bench_command(CLI::App& app) {
  auto* command = app.add_subcommand(
      "bench", "Google Benchmark over cells and likelihood batches (other flags go to Google Benchmark)");
  command->allow_extras();
  auto args = std::make_shared<BenchArguments>();
  command->add_option("--cells", args->cells, "glob of cells to run whole (default: ci cells of the preset's precision)");
  command->add_option("--likelihoods", args->likelihoods,
                      "globs of <family>/<instrument>/<precision> to time per batch")
      ->delimiter(',');
  command->add_option("--nss-steps", args->nss_steps, "glob of <family>/<instrument>/<precision> for NSS outer-step benchmarks");
  command->add_option("--batch-sizes", args->batch_sizes, "k values for the likelihood and NSS-step benchmarks")
      ->delimiter(',')
      ->check(non_negative_integer());
  command->add_option("--vary", args->variations,
                      "KEY=V1,V2: time the likelihoods at each value of a setting (e.g. inversion=dense,sparse)");
  command->add_option("--threads", args->threads, "thread counts for the likelihood benchmarks (e.g. 1,2)")
      ->delimiter(',')
      ->check(non_negative_integer());
  return [args, command] {
    BenchSelection selection = default_bench_selection(build_info::kPrecision);
    if (!args->cells.empty()) selection.cell_glob = args->cells;
    if (!args->likelihoods.empty()) selection.likelihood_globs = args->likelihoods;
    for (std::size_t threads : args->threads)  // a larger pool would be capped: the label would lie
      if (threads > hardware_threads())
        throw UsageError("--threads " + std::to_string(threads) + " is more than the " +
                         std::to_string(hardware_threads()) + " CPUs this process may use");
    if (!args->threads.empty()) selection.threads = args->threads;
    for (const std::string& variation : args->variations) {
      const auto [key, values] = parse_assignment(variation);
      std::stringstream stream(values);
      for (std::string value; std::getline(stream, value, ',');)
        if (!value.empty()) selection.variations[key].push_back(value);
      if (selection.variations[key].empty()) throw UsageError("--vary " + variation + ": no values");
    }
    if (!args->batch_sizes.empty()) selection.batch_sizes = args->batch_sizes;
    if (!args->nss_steps.empty()) selection.nss_step_glob = args->nss_steps;
    std::vector<std::string> extras = command->remaining();
    std::vector<char*> argv;
    std::string program = "nslab bench";
    argv.push_back(program.data());
    for (auto& extra : extras) argv.push_back(extra.data());
    int argc = static_cast<int>(argv.size());
    benchmark::Initialize(&argc, argv.data());
    if (benchmark::ReportUnrecognizedArguments(argc, argv.data())) return kExitUsage;
    if (register_benchmarks(selection) == 0)
      throw UsageError("no cell or likelihood matches --cells '" + selection.cell_glob +
                       "' / --likelihoods (" + std::to_string(selection.likelihood_globs.size()) + " globs)");
    install_memory_manager();
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
  };
}

}  // namespace nslab
