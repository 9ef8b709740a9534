#include "harness/result_tables.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

#include "harness/anchor_tables.hpp"
#include "harness/run_completion.hpp"
#include "harness/stats/sample_statistics.hpp"

namespace nslab {
namespace {

// NSS-like samplers are compared with the Nautilus of the same family
// (nss with nautilus, af-nss with af-nautilus) on the same device.
std::string partner_of(const std::string& sampler) {
  const auto at = sampler.find("nss");
  if (at == std::string::npos) return {};
  return sampler.substr(0, at) + "nautilus" + sampler.substr(at + 3);
}

bool row_order(const ResultRow& a, const ResultRow& b) {
  return std::tie(a.sampler, a.device, a.batch, a.path) < std::tie(b.sampler, b.device, b.batch, b.path);
}

}  // namespace

std::string batch_text(const ResultRow& row) {
  return row.batch ? std::to_string(*row.batch) : std::string("all");
}

std::string format_fixed(const std::optional<double>& value, int digits) {
  if (!value) return "-";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", digits, *value);
  return buffer;
}

std::string format_general(const std::optional<double>& value, int digits) {
  if (!value) return "-";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*g", digits, *value);
  return buffer;
}

std::string format_bytes(const std::optional<double>& bytes) {
  if (!bytes) return "-";
  char buffer[64];
  const double b = *bytes;
  if (b >= 1024.0 * 1024 * 1024) std::snprintf(buffer, sizeof buffer, "%.2f GiB", b / (1024.0 * 1024 * 1024));
  else if (b >= 1024.0 * 1024) std::snprintf(buffer, sizeof buffer, "%.1f MiB", b / (1024.0 * 1024));
  else if (b >= 1024.0) std::snprintf(buffer, sizeof buffer, "%.1f KiB", b / 1024.0);
  else std::snprintf(buffer, sizeof buffer, "%.0f B", b);
  return buffer;
}

std::string format_duration(const std::optional<double>& seconds) {
  if (!seconds) return "-";
  char buffer[64];
  const double s = *seconds;
  if (s < 120) std::snprintf(buffer, sizeof buffer, "%.3g s", s);
  else if (s < 7200) std::snprintf(buffer, sizeof buffer, "%.1f min", s / 60);
  else std::snprintf(buffer, sizeof buffer, "%.2f h", s / 3600);
  return buffer;
}

std::vector<Table> comparison_tables(const std::vector<ResultRow>& rows, bool include_unfinished) {
  std::map<std::string, std::vector<ResultRow>> groups;
  for (const auto& row : rows)
    if (include_unfinished || finished(row)) groups[row.group()].push_back(row);
  std::vector<Table> tables;
  for (auto& [group, all_members] : groups) {
    std::sort(all_members.begin(), all_members.end(), row_order);
    const std::vector<RepeatedRun> members = collapse_repetitions(all_members);
    Table table;
    table.title = group;
    table.header = {"sampler", "device", "k", "runs", "log Z", "± err", "reference", "max log L", "evals",
                    "ms/eval", "÷ Nautilus", "wall", "peak memory", "source", "stopped by"};
    for (const auto& [row, repeats] : members) {
      std::string ratio = "-";
      const std::string partner = partner_of(row.sampler);
      if (!partner.empty() && row.time_per_eval_ms) {
        for (const auto& [other, other_repeats] : members) {
          if (other.sampler == partner && other.device == row.device && other.time_per_eval_ms &&
              *other.time_per_eval_ms > 0 && finished(other)) {
            ratio = format_general(*row.time_per_eval_ms / *other.time_per_eval_ms, 3) + "×";
            break;
          }
        }
      }
      const std::string stopped = row.stopped_by.empty() ? "-" : row.stopped_by;
      table.rows.push_back({row.sampler, row.device, batch_text(row), repeats > 1 ? "×" + std::to_string(repeats) : "1",
                            format_fixed(row.log_z, 3), format_fixed(row.log_z_error, 3), format_fixed(row.reference_log_z, 3),
                            format_fixed(row.max_log_l, 3), format_general(row.evals, 9),
                            format_general(row.time_per_eval_ms, 4), ratio,
                            format_duration(row.total_wall_s),
                            format_bytes(row.peak_device_bytes),
                            row.peak_source.empty() ? "-" : row.peak_source,
                            finished(row) ? stopped : stopped + " (not finished)"});
    }
    tables.push_back(std::move(table));
  }
  return tables;
}

std::vector<RepeatedRun> collapse_repetitions(const std::vector<ResultRow>& rows) {
  auto same_run = [](const ResultRow& a, const ResultRow& b) {
    return !a.seed.empty() && a.layout == b.layout && a.sampler == b.sampler && a.group() == b.group() &&
           a.device == b.device && a.batch == b.batch && a.inversion == b.inversion && a.seed == b.seed &&
           a.log_z == b.log_z && a.evals == b.evals && a.stopped_by == b.stopped_by;
  };
  std::vector<std::vector<const ResultRow*>> sets;
  for (const auto& row : rows) {
    auto found = std::find_if(sets.begin(), sets.end(), [&](const auto& set) { return same_run(*set.front(), row); });
    if (found == sets.end()) sets.push_back({&row});
    else found->push_back(&row);
  }
  std::vector<RepeatedRun> out;
  for (const auto& set : sets) {
    RepeatedRun run{*set.front(), set.size()};
    auto median = [&](std::optional<double> ResultRow::*field) -> std::optional<double> {
      std::vector<double> values;
      for (const ResultRow* row : set)
        if (row->*field) values.push_back(*(row->*field));
      if (values.empty()) return std::nullopt;
      return median_of(std::move(values));
    };
    run.row.time_per_eval_ms = median(&ResultRow::time_per_eval_ms);
    run.row.total_wall_s = median(&ResultRow::total_wall_s);
    run.row.sampler_wall_s = median(&ResultRow::sampler_wall_s);
    out.push_back(std::move(run));
  }
  return out;
}

std::vector<Table> batch_sweep_tables(const std::vector<ResultRow>& rows) {
  std::map<std::string, std::vector<ResultRow>> sweeps;
  for (const auto& row : rows)
    if (row.layout == "nslab") sweeps[row.sampler + "/" + row.group() + " on " + row.device].push_back(row);
  std::vector<Table> tables;
  for (auto& [name, members] : sweeps) {
    std::set<std::string> distinct;
    for (const auto& row : members) distinct.insert(batch_text(row));
    if (distinct.size() < 2) continue;
    std::sort(members.begin(), members.end(), [](const ResultRow& a, const ResultRow& b) {
      return a.batch.value_or(1LL << 62) < b.batch.value_or(1LL << 62);
    });
    Table table;
    table.title = name + ": " + members.front().batch_key + " sweep";
    table.header = {members.front().batch_key, "peak memory", "fixed + k × bytes/replica",
                    "ms/eval", "evals", "log Z", "stopped by"};
    for (const auto& row : members) {
      std::optional<double> predicted;
      if (row.batch && row.bytes_per_replica && row.fixed_overhead_bytes)
        predicted = *row.fixed_overhead_bytes + *row.batch * *row.bytes_per_replica;
      table.rows.push_back({batch_text(row), format_bytes(row.peak_device_bytes),
                            format_bytes(predicted), format_general(row.time_per_eval_ms, 4),
                            format_general(row.evals, 9), format_fixed(row.log_z, 3),
                            row.stopped_by.empty() ? "-" : row.stopped_by});
    }
    tables.push_back(std::move(table));
  }
  return tables;
}

Table runs_table(const std::vector<ResultRow>& rows) {
  Table table;
  table.title = "Runs";
  table.header = {"cell", "k", "evals", "ms/eval", "peak memory (source)", "tracked peak",
                  "fixed + largest batch × bytes/replica", "log Z", "reference", "stopped by", "device"};
  for (const auto& row : rows) {
    std::optional<double> predicted;
    if (row.largest_batch && row.bytes_per_replica && row.fixed_overhead_bytes)
      predicted = *row.fixed_overhead_bytes + *row.largest_batch * *row.bytes_per_replica;
    const std::string log_z = row.log_z ? format_fixed(row.log_z, 3) + " ± " + format_fixed(row.log_z_error, 3) : "-";
    std::string device = row.device_name.empty() ? row.device : row.device_name + " / " + row.device;
    if (!row.peak_note.empty()) device += " NOTE: " + row.peak_note;
    table.rows.push_back({row.cell, batch_text(row), format_general(row.evals, 9), format_general(row.time_per_eval_ms, 4),
                          format_bytes(row.peak_device_bytes) + " (" + (row.peak_source.empty() ? "-" : row.peak_source) + ")",
                          format_bytes(row.peak_tracked_bytes), format_bytes(predicted), log_z,
                          format_fixed(row.reference_log_z, 3), row.stopped_by.empty() ? "-" : row.stopped_by,
                          device});
  }
  return table;
}

std::string render_markdown(const std::vector<Table>& tables) {
  std::ostringstream out;
  for (const auto& table : tables) {
    out << "### " << table.title << "\n\n|";
    for (const auto& cell : table.header) out << ' ' << cell << " |";
    out << "\n|";
    for (std::size_t i = 0; i < table.header.size(); ++i) out << "---|";
    out << '\n';
    for (const auto& row : table.rows) {
      out << '|';
      for (const auto& cell : row) out << ' ' << cell << " |";
      out << '\n';
    }
    out << '\n';
  }
  return out.str();
}

std::string render_csv(const std::vector<ResultRow>& rows) {
  auto quote = [](const std::string& text) {
    if (text.find_first_of(",\"\n") == std::string::npos) return text;
    std::string quoted = "\"";
    for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + "\"";
  };
  auto number = [](const std::optional<double>& value) {
    if (!value) return std::string();
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.17g", *value);
    return std::string(buffer);
  };
  std::ostringstream out;
  out << "layout,sampler,dataset,model,instrument,precision,device,batch_key,batch,inversion,"
         "log_evidence,log_evidence_error,reference_log_evidence,max_log_likelihood,"
         "likelihood_evals,time_per_eval_ms,total_wall_s,sampler_wall_s,peak_device_bytes,"
         "peak_device_source,peak_tracked_bytes,bytes_per_replica,fixed_overhead_bytes,seed,stopped_by,path\n";
  for (const auto& r : rows) {
    out << quote(r.layout) << ',' << quote(r.sampler) << ',' << quote(r.dataset) << ','
        << quote(r.model) << ',' << quote(r.instrument) << ',' << quote(r.precision) << ','
        << quote(r.device) << ',' << quote(r.batch_key) << ','
        << (r.batch ? std::to_string(*r.batch) : "") << ',' << quote(r.inversion) << ','
        << number(r.log_z) << ',' << number(r.log_z_error) << ',' << number(r.reference_log_z)
        << ',' << number(r.max_log_l) << ',' << number(r.evals) << ','
        << number(r.time_per_eval_ms) << ',' << number(r.total_wall_s) << ','
        << number(r.sampler_wall_s) << ',' << number(r.peak_device_bytes) << ','
        << quote(r.peak_source) << ',' << number(r.peak_tracked_bytes) << ','
        << number(r.bytes_per_replica) << ',' << number(r.fixed_overhead_bytes) << ','
        << quote(r.seed) << ',' << quote(r.stopped_by) << ',' << quote(r.path) << '\n';
  }
  return out.str();
}

std::string render_table_document(const std::vector<ResultRow>& rows, const std::string& format,
                                  const std::string& sources, bool include_unfinished) {
  if (format == "csv") return render_csv(rows);
  if (format == "runs") return render_markdown({runs_table(rows)});
  const auto unfinished = std::count_if(rows.begin(), rows.end(), [](const ResultRow& r) { return !finished(r); });
  const std::string left_out =
      unfinished == 0 ? std::string()
      : include_unfinished
          ? " Runs stopped by a budget (max_evals, max_wall_s) are shown, marked \"not finished\" in the last column."
          : " " + std::to_string(unfinished) + (unfinished == 1 ? " run" : " runs") +
                " stopped by a budget (max_evals, max_wall_s): left out of the side-by-side tables "
                "(`--include-unfinished` shows them), kept in the batch-size sweeps, where they measure memory.";
  std::string text = "# nslab results\n\nGenerated by `" + sources + "` from " + std::to_string(rows.size()) +
                     " result files; regenerate it rather than editing it. ms/eval is "
                     "1000 × sampler wall time / likelihood evaluations; k is chunk_size (NSS) or "
                     "n_batch (Nautilus), `all` when unset; peak memory is CUPTI's device high-water "
                     "mark on CUDA, the tracked allocator's on CPU (the source column says which). "
                     "Repetitions of one seed with the same results are one row (runs ×R, median ms/eval and "
                     "wall)." + left_out + "\n\n" + render_anchor_section(rows) + "## Samplers side by side\n\n" +
                     render_markdown(comparison_tables(rows, include_unfinished));
  const auto sweeps = batch_sweep_tables(rows);
  if (!sweeps.empty()) text += "## Batch-size sweeps\n\n" + render_markdown(sweeps);
  return text;
}

}  // namespace nslab
