#include "harness/anchor_tables.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <tuple>

namespace nslab {
namespace {

constexpr const char* kAnchorPrefix = "af-";

// "12.5×" for a ratio, "-" when either side is missing or not positive.
std::string ratio(const std::optional<double>& numerator, const std::optional<double>& denominator) {
  if (!numerator || !denominator || *denominator <= 0 || *numerator <= 0) return "-";
  return format_general(*numerator / *denominator, 3) + "×";
}

// "+0.30 (+4.2σ)": a log Z difference and the same in combined σ.
std::string signed_difference(double difference, double sigma) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%+.2f (%+.1fσ)", difference, difference / sigma);
  return buffer;
}

// The key shared by an anchor (af-nss) and the nslab runs it is set beside (nss).
std::string anchored_cell(const ResultRow& row, const std::string& sampler) {
  return sampler + "/" + row.dataset + "/" + row.model + "/" + row.instrument + "/" + row.precision;
}

std::string memory_text(const ResultRow& row) {
  if (!row.peak_device_bytes) return "-";
  return format_bytes(row.peak_device_bytes) + (row.peak_source.empty() ? "" : " (" + row.peak_source + ")");
}

}  // namespace

std::string data_label(const ResultRow& row) {
  if (row.layout == "autolens_profiling") return "autolens_profiling";
  if (row.data.empty() || row.data == "simulated") return "simulated";
  std::string text = row.data;
  while (text.size() > 1 && text.back() == '/') text.pop_back();
  const std::filesystem::path folder = std::filesystem::path(text).lexically_normal();
  const std::string parent = folder.parent_path().filename().string();
  return parent.empty() || parent == ".." ? folder.filename().string() : parent + "/" + folder.filename().string();
}

std::vector<Table> anchor_comparison_tables(const std::vector<ResultRow>& rows) {
  struct Cell {
    std::vector<ResultRow> anchors, runs;
    std::size_t unfinished = 0;
  };
  std::map<std::string, Cell> cells;
  for (const auto& row : rows)
    if (row.layout == "autolens_profiling" && row.sampler.rfind(kAnchorPrefix, 0) == 0)
      cells[anchored_cell(row, row.sampler.substr(3))].anchors.push_back(row);
  for (const auto& row : rows) {
    if (row.layout != "nslab") continue;
    const auto cell = cells.find(anchored_cell(row, row.sampler));
    if (cell == cells.end()) continue;
    if (row.stopped_by == "termination") cell->second.runs.push_back(row);
    else ++cell->second.unfinished;
  }

  std::vector<Table> tables;
  for (auto& [name, cell] : cells) {
    auto by_path = [](const ResultRow& a, const ResultRow& b) { return a.path < b.path; };
    std::sort(cell.anchors.begin(), cell.anchors.end(), by_path);
    std::sort(cell.runs.begin(), cell.runs.end(), [](const ResultRow& a, const ResultRow& b) {
      return std::tie(a.device, a.data, a.path) < std::tie(b.device, b.data, b.path);
    });
    const ResultRow& anchor = cell.anchors.front();
    Table table;
    table.title = name + " beside " + anchor.sampler + " (" + anchor.device + ")";
    if (cell.unfinished > 0)
      table.title += "; " + std::to_string(cell.unfinished) + " run(s) stopped by a budget left out";
    table.header = {"run",   "device", "data",     "k",         "log Z",      "± err",
                    "Δ log Z", "max log L", "evals",   "÷ anchor", "ms/eval",    "anchor ÷",
                    "sampler wall", "anchor ÷", "peak memory", "anchor ÷", "processes"};
    for (const auto& row : cell.anchors) {
      const std::string file = std::filesystem::path(row.path).stem().string();
      table.rows.push_back({row.sampler + " " + file, row.device, data_label(row), batch_text(row),
                            format_fixed(row.log_z, 2), format_fixed(row.log_z_error, 2), "-",
                            format_fixed(row.max_log_l, 2), format_fixed(row.evals, 0), "-",
                            format_general(row.time_per_eval_ms, 4), "-", format_duration(row.sampler_wall_s),
                            "-", memory_text(row), "-", "1"});
    }
    for (const auto& row : cell.runs) {
      // Only a run on the anchors' kind of data (a dataset folder) can be held
      // to the anchor's log Z; the anchors carry no error (see the header).
      std::string delta = "-";
      if (data_label(row) != "simulated" && row.log_z && anchor.log_z && row.log_z_error &&
          *row.log_z_error > 0) {
        const double anchor_error = anchor.log_z_error.value_or(*row.log_z_error);
        const double sigma = std::hypot(*row.log_z_error, anchor_error);
        delta = signed_difference(*row.log_z - *anchor.log_z, sigma);
      }
      const std::string processes =
          row.processes && *row.processes > 1 ? format_fixed(row.processes, 0) + " (resumed)" : "1";
      table.rows.push_back(
          {row.sampler, row.device, data_label(row), batch_text(row), format_fixed(row.log_z, 2),
           format_fixed(row.log_z_error, 2), delta, format_fixed(row.max_log_l, 2), format_fixed(row.evals, 0),
           ratio(row.evals, anchor.evals), format_general(row.time_per_eval_ms, 4),
           ratio(anchor.time_per_eval_ms, row.time_per_eval_ms), format_duration(row.sampler_wall_s),
           ratio(anchor.sampler_wall_s, row.sampler_wall_s),
           memory_text(row),
           // Device memory only: a CPU run's tracked host bytes are another quantity.
           row.peak_source == "cupti" ? ratio(anchor.peak_device_bytes, row.peak_device_bytes) : "-",
           processes});
    }
    tables.push_back(std::move(table));
  }
  return tables;
}

std::string render_anchor_section(const std::vector<ResultRow>& rows) {
  const std::vector<Table> tables = anchor_comparison_tables(rows);
  if (tables.empty()) return {};
  return "## Beside PyAutoLens's anchors\n\n"
         "Each cell autolens_profiling searched (af.NSS, af.Nautilus on an A100, JAX), with nslab's runs "
         "of the same cell that ran to termination (docs/gpu-hst-cells.md). data: `simulated` is nslab's "
         "own simulated dataset, a folder name is the dataset a run fitted (`imaging/hst` is "
         "`../shared/datasets/imaging/hst`, the data the anchors fitted). Δ log Z is against the first "
         "anchor, in combined σ = √(σ² + σ_anchor²) with σ_anchor = σ (the anchors report no error), and "
         "only for runs on a dataset folder. evals ÷ anchor: nslab's count over the anchor's (af.NSS "
         "counts slice expansions and shrinks only, not the two bracket ends of each inner step that "
         "BlackJAX also evaluates, tools/peers/README.md; nslab counts every likelihood evaluation). anchor ÷: the anchor's ms/eval, sampler wall "
         "and memory over nslab's (above 1: nslab is faster or smaller). The anchors' memory is what "
         "nvidia-smi showed in use when the search ended; nslab's is CUPTI's device high-water mark on "
         "a GPU, the tracked allocator's peak on a CPU (no ratio then). processes: how many processes a "
         "resumed run took; its wall is the sum of theirs.\n\n" +
         render_markdown(tables);
}

}  // namespace nslab
