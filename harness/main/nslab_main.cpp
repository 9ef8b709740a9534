// nslab: the command line (docs/command-line.md).
#include <cstdio>
#include <cstring>
#include <map>

#include <CLI/CLI.hpp>

#include "core/error.hpp"
#include "core/host_memory.hpp"
#include "harness/commands/commands.hpp"
#include "likelihoods/plugin/plugin_channel.hpp"

int main(int argc, char** argv) {
  // nslab started as the process a plugin runs in (likelihoods/plugin/).
  if (argc > 1 && std::strcmp(argv[1], nslab::plugin_channel::kHostArgument) == 0)
    nslab::plugin_channel::plugin_host_main(argc, argv);
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
  auto out_of_host_memory = [](const std::string& what) {
    std::fprintf(stderr, "nslab: out of host memory: %s\n", what.c_str());
    return nslab::kExitOutOfMemory;
  };
  try {
    for (const auto& [subcommand, runner] : runners)
      if (subcommand->parsed()) return runner();
  } catch (const nslab::UsageError& error) {
    std::fprintf(stderr, "nslab: %s\n", error.what());
    return nslab::kExitUsage;
  } catch (const nslab::OutOfDeviceMemory& error) {
    std::fprintf(stderr, "nslab: out of device memory: %s\n", error.what());
    return nslab::kExitOutOfMemory;
  } catch (const nslab::OutOfHostMemory& error) {
    return out_of_host_memory(error.what());
  } catch (const std::bad_alloc&) {
    return out_of_host_memory(nslab::host_allocation_failure(0));
  } catch (const std::length_error&) {  // a container asked for more than max_size()
    return out_of_host_memory(nslab::host_allocation_failure(0));
  } catch (const std::exception& error) {
    std::fprintf(stderr, "nslab: run failed: %s\n", error.what());
    return nslab::kExitRunFailed;
  }
  return nslab::kExitUsage;
}
