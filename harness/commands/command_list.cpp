// nslab list [GLOB]: every cell id, one a line.
#include <fnmatch.h>

#include <iostream>

#include "cells/cell_catalog.hpp"
#include "harness/commands/commands.hpp"

namespace nslab {

CommandRunner add_list_command(CLI::App& app) {
  auto* command = app.add_subcommand("list", "Print every cell id (optionally matching a glob)");
  auto pattern = std::make_shared<std::string>("*");
  command->add_option("glob", *pattern, "shell glob over cell ids, e.g. 'nss/analytic/*'");
  return [pattern] {
    for (const auto& cell : all_cells()) {
      const std::string id = cell.str();
      if (fnmatch(pattern->c_str(), id.c_str(), 0) == 0) std::cout << id << '\n';
    }
    return 0;
  };
}

}  // namespace nslab
