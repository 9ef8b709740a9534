// nslab: the command line of harness.md.
#include <cstdio>
#include <map>

#include <CLI/CLI.hpp>

#include "core/error.hpp"
#include "harness/commands/commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"nslab: GPU nested sampling benchmarks for strong-lens likelihoods"};
  app.require_subcommand(1);
  std::map<CLI::App*, nslab::CommandRunner> runners;
  for (nslab::CommandAdder add : nslab::all_commands()) {
    const std::size_t before = app.get_subcommands({}).size();
    nslab::CommandRunner runner = add(app);
    runners[app.get_subcommands({}).at(before)] = std::move(runner);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::CallForAllHelp& help) {
    return app.exit(help);
  } catch (const CLI::ParseError& error) {
    std::fprintf(stderr, "nslab: %s (try --help)\n", error.what());
    return nslab::kExitUsage;
  }
  try {
    for (const auto& [subcommand, runner] : runners)
      if (subcommand->parsed()) return runner();
  } catch (const nslab::UsageError& error) {
    std::fprintf(stderr, "nslab: %s\n", error.what());
    return nslab::kExitUsage;
  } catch (const nslab::OutOfDeviceMemory& error) {
    std::fprintf(stderr, "nslab: out of device memory: %s\n", error.what());
    return nslab::kExitOutOfMemory;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "nslab: run failed: %s\n", error.what());
    return nslab::kExitRunFailed;
  }
  return nslab::kExitUsage;
}
