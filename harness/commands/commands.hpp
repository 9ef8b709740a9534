#pragma once
// The `nslab` subcommands. Each add_*_command registers its options on the
// CLI11 app and returns the function that runs it (exit status).
#include <functional>

#include <CLI/CLI.hpp>

namespace nslab {

using CommandRunner = std::function<int()>;

CommandRunner add_list_command(CLI::App& app);
CommandRunner add_run_command(CLI::App& app);
CommandRunner add_eval_command(CLI::App& app);

}  // namespace nslab
