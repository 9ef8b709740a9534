#include "harness/commands/commands.hpp"

namespace nslab {

const std::vector<CommandAdder>& all_commands() {
  static const std::vector<CommandAdder> commands = {
      add_list_command,
      add_run_command,
      add_eval_command,
      add_table_command,
      add_plot_command,
      add_probe_command,
      add_bench_command,
      add_simulate_command,
      add_sweep_command,
      add_compare_command,
      add_calibrate_command,
  };
  return commands;
}

}  // namespace nslab
