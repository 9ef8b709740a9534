// nslab plot [RESULT_DIR_OR_FILE]... --out DIR [--include-unfinished]: SVG
// figures of the tables: per model x instrument x precision, dot plots of
// ms/eval and of log Z ± error (one row per sampler, device and k; sampler by
// colour, device by marker, PyAutoLens's anchors ringed, the closed form
// dashed), and per sampler and device the peak memory against k beside the
// fixed + k x bytes_per_replica line. Runs stopped by a budget stay out of
// the dot plots unless asked for, and are hollow when shown; memory sweeps
// keep them (a budget-stopped run is how memory is probed).
#include <iostream>
#include <map>

#include "core/atomic_file.hpp"
#include "harness/commands/commands.hpp"
#include "harness/plots/dot_plot.hpp"
#include "harness/result_reader.hpp"
#include "harness/run_completion.hpp"
#include "harness/svg_chart.hpp"

namespace nslab {
namespace {
struct PlotArguments {
  std::vector<std::string> paths;
  std::string out;
  bool include_unfinished = false;
};

std::string file_name(std::string text) {
  for (char& c : text)
    if (c == '/' || c == ' ') c = '_';
  return text;
}

std::vector<std::string> plot_memory_sweeps(const std::vector<ResultRow>& rows, const std::string& out) {
  std::map<std::string, std::vector<const ResultRow*>> sweeps;
  for (const auto& row : rows)
    if (row.layout == "nslab" && row.batch && row.peak_device_bytes)
      sweeps[row.sampler + "/" + row.group() + "/" + row.device].push_back(&row);
  std::vector<std::string> written;
  for (auto& [name, members] : sweeps) {
    std::map<long long, const ResultRow*> by_k;
    for (const ResultRow* row : members) by_k[*row->batch] = row;
    if (by_k.size() < 2) continue;
    ChartSeries measured{"measured peak", {}, {}, {}, true, false, false};
    ChartSeries model{"fixed + k × bytes/replica", {}, {}, {}, false, true, true};
    for (const auto& [k, row] : by_k) {
      measured.x.push_back(static_cast<double>(k));
      measured.y.push_back(*row->peak_device_bytes / 1048576.0);
      if (row->bytes_per_replica && row->fixed_overhead_bytes) {
        model.x.push_back(static_cast<double>(k));
        model.y.push_back((*row->fixed_overhead_bytes + k * *row->bytes_per_replica) / 1048576.0);
      }
    }
    SvgChart chart("Peak memory vs " + members.front()->batch_key + ": " + name,
                   members.front()->batch_key, "peak memory [MiB]");
    chart.set_log_x(true);
    chart.set_log_y(true);
    chart.add_series(measured);
    if (!model.x.empty()) chart.add_series(model);
    const std::string path = out + "/memory_" + file_name(name) + ".svg";
    write_file_atomically(path, chart.render());
    written.push_back(path);
  }
  return written;
}

struct RowKey {
  std::string sampler, device;
  long long batch;
  bool anchor;
  std::string stopped_by;  // empty for finished runs
  auto operator<=>(const RowKey&) const = default;
};

std::string row_label(const RowKey& key) {
  std::string label = key.sampler + " · " + key.device + " · k=" + (key.batch >= 0 ? std::to_string(key.batch) : "all");
  if (key.anchor) label += " · anchor";
  if (!key.stopped_by.empty()) label += " · stopped by " + key.stopped_by;
  return label;
}

std::vector<std::string> plot_per_group(const std::vector<ResultRow>& rows, const std::string& out,
                                        bool include_unfinished) {
  std::map<std::string, std::map<RowKey, std::vector<const ResultRow*>>> groups;
  std::map<std::string, int> left_out;
  for (const auto& row : rows) {
    if (!finished(row) && !include_unfinished) {
      ++left_out[row.group()];
      continue;
    }
    const RowKey key{row.sampler, row.device, row.batch.value_or(-1), row.layout == "autolens_profiling",
                     finished(row) ? std::string() : row.stopped_by};
    groups[row.group()][key].push_back(&row);
  }
  std::vector<std::string> written;
  for (auto& [group, by_row] : groups) {
    DotPlot speed{"Time per evaluation: " + group, "ms / evaluation (log scale)", true, {}, {}, "", {}};
    DotPlot evidence{"Log evidence: " + group, "log Z ± reported error", false, {}, {}, "", {}};
    for (const auto& [key, members] : by_row) {
      DotRow speed_row{row_label(key), key.sampler, key.device, {}};
      DotRow evidence_row = speed_row;
      for (const ResultRow* row : members) {
        const bool hollow = !key.stopped_by.empty();
        if (row->time_per_eval_ms && *row->time_per_eval_ms > 0)
          speed_row.points.push_back({*row->time_per_eval_ms, 0.0, hollow, key.anchor});
        if (row->log_z) evidence_row.points.push_back({*row->log_z, row->log_z_error.value_or(0.0), hollow, key.anchor});
        if (row->reference_log_z) {
          evidence.reference = row->reference_log_z;
          evidence.reference_label = "closed form";
        }
      }
      if (!speed_row.points.empty()) speed.rows.push_back(std::move(speed_row));
      if (!evidence_row.points.empty()) evidence.rows.push_back(std::move(evidence_row));
    }
    if (const int n = left_out[group]) {
      const std::string note = std::to_string(n) + (n == 1 ? " run" : " runs") +
                               " stopped by a budget left out (nslab plot --include-unfinished shows them hollow)";
      speed.footnotes.push_back(note);
      evidence.footnotes.push_back(note);
    }
    for (const auto& [plot, prefix] : {std::pair{&speed, "ms_per_eval_"}, std::pair{&evidence, "log_z_"}}) {
      if (plot->rows.empty()) continue;
      const std::string path = out + "/" + prefix + file_name(group) + ".svg";
      write_file_atomically(path, render_dot_plot_svg(*plot));
      written.push_back(path);
    }
  }
  return written;
}
}  // namespace

CommandRunner add_plot_command(CLI::App& app) {
  auto* command = app.add_subcommand("plot", "SVG plots from result files");
  auto args = std::make_shared<PlotArguments>();
  command->add_option("paths", args->paths, "result files or folders (default: results)");
  command->add_option("--out", args->out, "folder for the SVG files")->required();
  command->add_flag("--include-unfinished", args->include_unfinished,
                    "show runs stopped by max_evals/max_wall_s too (hollow markers)");
  return [args] {
    const auto paths = args->paths.empty() ? std::vector<std::string>{"results"} : args->paths;
    const std::vector<ResultRow> rows = read_results(paths);
    auto written = plot_memory_sweeps(rows, args->out);
    for (const auto& path : plot_per_group(rows, args->out, args->include_unfinished)) written.push_back(path);
    for (const auto& path : written) std::cout << "wrote " << path << "\n";
    return 0;
  };
}

}  // namespace nslab
