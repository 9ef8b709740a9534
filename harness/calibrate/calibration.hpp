#pragma once
// Calibration of a sampler's evidence over many seeds (docs/compare.md):
// against a reference log Z (the closed form, or a given value or result
// files such as an anchor's or Nautilus's), is the mean log Z unbiased, and
// does the scatter over seeds match the error each run reports?
#include <optional>
#include <string>
#include <vector>

#include "harness/compare/run_pairing.hpp"

namespace nslab {

struct EvidenceReference {
  double value = 0;
  double error = 0;  // 0 for a closed form
  std::string source;
};

struct CalibrationGates {
  double bias_sigma = 3.0;                          // |bias| / its standard error at most
  double ratio_low = 0.8, ratio_high = 1.25;        // scatter / mean reported error within ...
  double ratio_alpha = 0.01;                        // ... unless the ratio's distance from 1 is not significant
  std::size_t min_runs_for_scatter = 10;            // fewer seeds: scatter not judged
};

struct CalibrationRun {
  std::string path, seed;
  double log_z = 0, error = 0, pull = 0;
  std::optional<double> evals, ms_per_eval, wall_s;
};

struct Calibration {
  std::string cell;
  std::map<std::string, std::string> configuration;
  EvidenceReference reference;
  std::vector<CalibrationRun> runs;  // one per seed (repetitions of a seed add nothing)
  double bias = 0, bias_error = 0, bias_sigma = 0;
  double scatter = 0, mean_error = 0, scatter_ratio = 0;
  std::optional<double> scatter_ratio_z;  // ln(ratio) over its standard error; empty below min_runs_for_scatter
  double pull_mean = 0, pull_sd = 0, within_1_sigma = 0, within_2_sigma = 0;
  std::optional<double> mean_evals, mean_ms_per_eval, mean_wall_s;
  std::string verdict;                 // CALIBRATED, BIASED, ERRORS TOO SMALL, ERRORS TOO LARGE (joined by " + ")
  std::vector<std::string> findings;   // one sentence each, for the report
};

// The runs must be one configuration of one cell, finished, each with a log Z
// and its error; UsageError otherwise.
Calibration calibrate_evidence(const RunGroup& runs, const EvidenceReference& reference, const CalibrationGates& gates);

// The closed form every run records, if they agree on one.
std::optional<EvidenceReference> closed_form_reference(const RunGroup& runs);
// A reference from result files: their mean log Z and its σ as compare takes it.
EvidenceReference reference_from_runs(const RunGroup& runs);

std::string render_calibration_markdown(const Calibration& calibration, const CalibrationGates& gates);
nlohmann::ordered_json calibration_json(const Calibration& calibration, const CalibrationGates& gates);
// A histogram of the pulls (log Z - reference) / error with the N(0, 1) it
// should follow, the mean pull marked.
std::string render_pull_histogram_svg(const Calibration& calibration);

}  // namespace nslab
