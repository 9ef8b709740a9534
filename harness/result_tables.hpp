#pragma once
// The comparison tables (docs/results.md), regenerated from result rows: per
// model x instrument x precision the samplers side by side, per cell the
// chunk_size / n_batch sweep, and a flat table of runs.
#include <string>
#include <vector>

#include "harness/result_reader.hpp"

namespace nslab {

struct Table {
  std::string title;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

// Runs stopped by a budget are left out unless include_unfinished (then marked
// "not finished"); repetitions collapse into one row (collapse_repetitions).
std::vector<Table> comparison_tables(const std::vector<ResultRow>& rows, bool include_unfinished = false);

// Runs of one seed with identical results (same sampler, device, k, seed, log Z
// and evaluations) are repetitions: one row with their count and the median
// timings.
struct RepeatedRun {
  ResultRow row;
  std::size_t repeats = 1;
};
std::vector<RepeatedRun> collapse_repetitions(const std::vector<ResultRow>& rows);
std::vector<Table> batch_sweep_tables(const std::vector<ResultRow>& rows);
// One row per result file, in the order given: what each run measured against
// its memory model (fixed + largest batch x bytes/replica) and its device.
Table runs_table(const std::vector<ResultRow>& rows);

std::string render_markdown(const std::vector<Table>& tables);
// One flat CSV of every row and field (what a spreadsheet or script wants).
std::string render_csv(const std::vector<ResultRow>& rows);

// What `nslab table` prints: md (a titled page of both kinds of table, saying
// it was made from `sources`), csv, or runs (runs_table in markdown).
std::string render_table_document(const std::vector<ResultRow>& rows, const std::string& format,
                                  const std::string& sources, bool include_unfinished = false);

// k as the tables show it: the batch size, "all" when unset.
std::string batch_text(const ResultRow& row);
// `digits` decimals ("%.*f") / significant digits ("%.*g"); "-" when absent.
std::string format_fixed(const std::optional<double>& value, int digits);
std::string format_general(const std::optional<double>& value, int digits = 4);
// "12.3 MiB", "1.50 GiB"; "-" when absent.
std::string format_bytes(const std::optional<double>& bytes);
// "42 s", "11 min", "5.3 h"; "-" when absent.
std::string format_duration(const std::optional<double>& seconds);

}  // namespace nslab
