// nslab table [RESULT_DIR_OR_FILE]... [--format md|csv|runs] [--out FILE] [--include-unfinished]
// md: the comparison and sweep tables; csv: every field of every file; runs:
// one markdown row per file, its memory against the model (scripts/gpu-check).
#include <iostream>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "harness/commands/commands.hpp"
#include "harness/result_tables.hpp"

namespace nslab {
namespace {
struct TableArguments {
  std::vector<std::string> paths;
  std::string format = "md", out;
  bool include_unfinished = false;
};
}  // namespace

CommandRunner add_table_command(CLI::App& app) {
  auto* command = app.add_subcommand("table", "Comparison tables from result files");
  auto args = std::make_shared<TableArguments>();
  command->add_option("paths", args->paths, "result files or folders (default: results)");
  command->add_option("--format", args->format,
                      "md (comparison tables), csv (every field) or runs (one row per file)");
  command->add_option("--out", args->out, "write here (atomically) instead of stdout");
  command->add_flag("--include-unfinished", args->include_unfinished,
                    "show runs stopped by max_evals/max_wall_s beside finished ones (marked)");
  return [args] {
    if (!args->out.empty()) check_output_file(args->out, "--out");
    if (args->format != "md" && args->format != "csv" && args->format != "runs")
      throw UsageError("--format must be md, csv or runs, not '" + args->format + "'");
    const std::vector<std::string> paths = args->paths.empty() ? std::vector<std::string>{"results"} : args->paths;
    const std::vector<ResultRow> rows = read_results(paths);
    std::string sources = "nslab table";
    for (const auto& path : paths) sources += " " + path;
    const std::string text = render_table_document(rows, args->format, sources, args->include_unfinished);
    if (args->out.empty()) std::cout << text;
    else write_file_atomically(args->out, text);
    return 0;
  };
}

}  // namespace nslab
