#pragma once
// The `nslab` subcommands. Each add_*_command registers its options on the
// CLI11 app and returns the function that runs it (exit status);
// all_commands() lists them, one line per subcommand.
#include <functional>
#include <vector>

#include <CLI/CLI.hpp>

#include "harness/json.hpp"

namespace nslab {

using CommandRunner = std::function<int()>;
using CommandAdder = CommandRunner (*)(CLI::App&);

CommandRunner add_list_command(CLI::App& app);
CommandRunner add_run_command(CLI::App& app);
CommandRunner add_eval_command(CLI::App& app);
CommandRunner add_table_command(CLI::App& app);
CommandRunner add_plot_command(CLI::App& app);
CommandRunner add_probe_command(CLI::App& app);
CommandRunner add_bench_command(CLI::App& app);
CommandRunner add_simulate_command(CLI::App& app);
CommandRunner add_sweep_command(CLI::App& app);
CommandRunner add_compare_command(CLI::App& app);
CommandRunner add_calibrate_command(CLI::App& app);

const std::vector<CommandAdder>& all_commands();

}  // namespace nslab
