#pragma once
// The comparison tables of harness.md, regenerated from result rows:
// per model x instrument x precision the samplers side by side, and per
// cell the chunk_size / n_batch sweep.
#include <string>
#include <vector>

#include "harness/result_reader.hpp"

namespace nslab {

struct Table {
  std::string title;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

std::vector<Table> comparison_tables(const std::vector<ResultRow>& rows);
std::vector<Table> batch_sweep_tables(const std::vector<ResultRow>& rows);

std::string render_markdown(const std::vector<Table>& tables);
// One flat CSV of every row and field (what a spreadsheet or script wants).
std::string render_csv(const std::vector<ResultRow>& rows);

// What `nslab table` prints: md (a titled page of both kinds of table, saying
// it was made from `sources`) or csv.
std::string render_table_document(const std::vector<ResultRow>& rows, const std::string& format,
                                  const std::string& sources);

// "12.3 MiB", "1.50 GiB"; "-" when absent.
std::string format_bytes(const std::optional<double>& bytes);
// "42 s", "11 min", "5.3 h"; "-" when absent.
std::string format_duration(const std::optional<double>& seconds);

}  // namespace nslab
