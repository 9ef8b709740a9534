#pragma once
// nslab's runs of the cells PyAutoLens's autolens_profiling searched, each
// beside those A100 anchors (docs/gpu-hst-cells.md): one table per anchored
// cell (sampler x model x instrument x precision), the anchor rows first, then
// nslab's runs of the same sampler that ran to termination, with
//   - Δ log Z in combined σ against the first anchor, only for runs on a
//     dataset folder (a run on nslab's own simulated dataset fits other data,
//     so its log Z says nothing about the anchor's); the anchors report no
//     error, so σ_anchor is taken equal to the run's own (same sampler, same
//     settings), i.e. combined σ = √2 σ;
//   - evaluations as nslab ÷ anchor, and ms/eval, sampler wall time and peak
//     device memory as anchor ÷ nslab (above 1: nslab is faster / smaller).
// Runs stopped by a budget stay out (the title counts them).
#include <vector>

#include "harness/result_reader.hpp"
#include "harness/result_tables.hpp"

namespace nslab {

std::vector<Table> anchor_comparison_tables(const std::vector<ResultRow>& rows);
// The results page's section of those tables with the paragraph that reads
// them; empty when `rows` hold no anchor.
std::string render_anchor_section(const std::vector<ResultRow>& rows);

// The "data" column: "simulated" for nslab's own dataset, the folder's last
// two components for a folder (e.g. imaging/hst), "autolens_profiling" for
// the anchors.
std::string data_label(const ResultRow& row);

}  // namespace nslab
