// nslab bench [--cells GLOB] [--likelihoods GLOB] [--batch-sizes 1,4,16] [Google Benchmark flags]
// Cells and likelihoods become Google Benchmark benchmarks at run time.
#include <benchmark/benchmark.h>

#include "build_info.hpp"
#include "core/error.hpp"
#include "harness/benchmarks.hpp"
#include "harness/commands/commands.hpp"

namespace nslab {
namespace {
struct BenchArguments {
  std::string cells, likelihoods, nss_steps;
  std::vector<std::size_t> batch_sizes;
};
}  // namespace

CommandRunner add_bench_command(CLI::App& app) {
  auto* command = app.add_subcommand(
      "bench", "Google Benchmark over cells and likelihood batches (other flags go to Google Benchmark)");
  command->allow_extras();
  auto args = std::make_shared<BenchArguments>();
  command->add_option("--cells", args->cells, "glob of cells to run whole (default: ci cells of the preset's precision)");
  command->add_option("--likelihoods", args->likelihoods, "glob of <family>/<instrument>/<precision> to time per batch");
  command->add_option("--nss-steps", args->nss_steps, "glob of <family>/<instrument>/<precision> for NSS outer-step benchmarks");
  command->add_option("--batch-sizes", args->batch_sizes, "k values for the likelihood benchmarks")->delimiter(',');
  return [args, command] {
    BenchSelection selection = default_bench_selection(build_info::kPrecision);
    if (!args->cells.empty()) selection.cell_glob = args->cells;
    if (!args->likelihoods.empty()) selection.likelihood_glob = args->likelihoods;
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
                       "' / --likelihoods '" + selection.likelihood_glob + "'");
    install_memory_manager();
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
  };
}

}  // namespace nslab
