// nslab plot [RESULT_DIR_OR_FILE]... --out DIR: SVG plots of the tables'
// figures: peak memory vs k beside the fixed + k x bytes_per_replica line,
// ms/eval per sampler, and log Z with error bars per sampler.
#include <cmath>
#include <iostream>
#include <map>

#include "core/atomic_file.hpp"
#include "harness/commands/commands.hpp"
#include "harness/result_reader.hpp"
#include "harness/svg_chart.hpp"

namespace nslab {
namespace {
struct PlotArguments {
  std::vector<std::string> paths;
  std::string out;
};

std::string file_name(std::string text) {
  for (char& c : text)
    if (c == '/' || c == ' ') c = '_';
  return text;
}

std::string row_label(const ResultRow& row) {
  return row.sampler + " " + row.device + " k=" + (row.batch ? std::to_string(*row.batch) : "all");
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

std::vector<std::string> plot_per_group(const std::vector<ResultRow>& rows, const std::string& out) {
  std::map<std::string, std::vector<const ResultRow*>> groups;
  for (const auto& row : rows) groups[row.group()].push_back(&row);
  std::vector<std::string> written;
  for (auto& [group, members] : groups) {
    std::vector<std::string> labels;
    ChartSeries speed{"ms/eval", {}, {}, {}, true, false, false};
    ChartSeries evidence{"log Z ± error", {}, {}, {}, true, false, false};
    std::optional<double> reference;
    for (std::size_t i = 0; i < members.size(); ++i) {
      const ResultRow& row = *members[i];
      labels.push_back(row_label(row));
      if (row.time_per_eval_ms && *row.time_per_eval_ms > 0) {
        speed.x.push_back(static_cast<double>(i));
        speed.y.push_back(*row.time_per_eval_ms);
      }
      if (row.log_z) {
        evidence.x.push_back(static_cast<double>(i));
        evidence.y.push_back(*row.log_z);
        evidence.y_error.push_back(row.log_z_error.value_or(0.0));
      }
      if (row.reference_log_z) reference = row.reference_log_z;
    }
    if (!speed.x.empty()) {
      SvgChart chart("Time per evaluation: " + group, "", "ms / evaluation");
      chart.set_categories(labels);
      chart.set_log_y(true);
      chart.add_series(speed);
      const std::string path = out + "/ms_per_eval_" + file_name(group) + ".svg";
      write_file_atomically(path, chart.render());
      written.push_back(path);
    }
    if (!evidence.x.empty()) {
      SvgChart chart("Log evidence: " + group, "", "log Z");
      chart.set_categories(labels);
      chart.add_series(evidence);
      if (reference) chart.add_horizontal_line(*reference, "closed form");
      const std::string path = out + "/log_z_" + file_name(group) + ".svg";
      write_file_atomically(path, chart.render());
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
  return [args] {
    const auto paths = args->paths.empty() ? std::vector<std::string>{"results"} : args->paths;
    const std::vector<ResultRow> rows = read_results(paths);
    auto written = plot_memory_sweeps(rows, args->out);
    for (const auto& path : plot_per_group(rows, args->out)) written.push_back(path);
    for (const auto& path : written) std::cout << "wrote " << path << "\n";
    return 0;
  };
}

}  // namespace nslab
