#pragma once
// The figures and verdicts of one baseline/candidate pair (docs/compare.md):
//   correctness  Δ log Z in combined σ, Δ max log L, per-parameter posterior
//                mean shift (in the baseline's posterior σ) and σ ratio;
//   performance  ms/eval and wall time: Hodges-Lehmann ratio candidate /
//                baseline and the Mann-Whitney U test over the runs ->
//                FASTER / SLOWER / SAME / UNSURE;
//   memory       peak memory ratio (deterministic for a seed), gated on growth.
#include <optional>
#include <string>
#include <vector>

#include "harness/compare/run_pairing.hpp"
#include "harness/stats/mann_whitney.hpp"

namespace nslab {

struct CompareGates {
  double log_z_sigma = 3.0;         // |Δ log Z| / σ at most
  double max_log_l_nats = 2.0;      // |Δ max log L| at most
  double mean_shift_sigma = 0.2;    // |Δ posterior mean| / baseline posterior σ at most
  double sd_ratio_low = 0.8, sd_ratio_high = 1.25;  // candidate σ / baseline σ within
  double alpha = 0.01;              // U test significance
  // SLOWER / FASTER need the ratio beyond ±50 % as well as p < alpha: on a
  // shared machine a block of runs drifted by up to 38 % against the next
  // with nothing changed (docs/compare.md, identical builds). Within ±5 % is
  // SAME; between the two, UNSURE.
  double min_effect = 0.50;
  double same_within = 0.05;
  double memory_tolerance = 0.0;    // peak memory may grow by this fraction
};

// One side of a pair, summarised over its runs: one log Z per seed
// (repetitions of a seed give the same results), every run's timings.
struct SideSummary {
  std::size_t runs = 0, seeds = 0;
  std::optional<double> log_z;        // mean over seeds
  std::optional<double> log_z_sigma;  // uncertainty of that mean
  std::string sigma_source;           // "seed scatter", "reported errors", "none"
  std::optional<double> max_log_l;    // best over runs
  std::vector<std::string> parameter_names;  // empty when the posterior vector has none that fit
  std::vector<double> posterior_mean, posterior_std;  // means over seeds
  std::vector<double> ms_per_eval, wall_s;
  std::optional<double> peak_bytes;   // largest over runs
  std::string peak_source;
  std::vector<std::string> notes;     // e.g. repetitions of one seed whose results differ
};

SideSummary summarise_side(const RunGroup& group);

struct ParameterComparison {
  std::string name;
  double baseline_mean, candidate_mean, baseline_sd, candidate_sd;
  double shift_sigma, sd_ratio;
};

struct Gate {
  std::string name;
  std::optional<double> value;  // empty: not checked (the note says why)
  bool pass = true;
  std::string note;
};

struct Correctness {
  std::optional<double> delta_log_z, sigma, delta_log_z_sigma, delta_max_log_l;
  std::vector<ParameterComparison> parameters;
  std::string parameters_matched_by;  // "name", "position", or why not compared
  std::vector<Gate> gates;            // log_z, max_log_l, mean_shift, sd_ratio
  bool pass() const;
};

struct SpeedComparison {
  std::string metric;  // "ms/eval" or "wall"
  std::size_t baseline_runs = 0, candidate_runs = 0;
  std::optional<double> baseline_median, candidate_median, ratio;  // ratio: Hodges-Lehmann, candidate / baseline
  std::optional<MannWhitneyResult> test;
  std::string verdict;  // FASTER SLOWER SAME UNSURE
  std::string reason;
};

struct MemoryComparison {
  std::optional<double> ratio;
  std::string verdict;  // same, smaller, LARGER, not compared
  std::string reason;
};

struct PairVerdict {
  SideSummary baseline, candidate;
  Correctness correctness;
  SpeedComparison ms_per_eval, wall;
  std::string performance;  // both speed verdicts in one word
  MemoryComparison memory;
};

Correctness compare_correctness(const SideSummary& baseline, const SideSummary& candidate, const CompareGates& gates);
SpeedComparison compare_speed(const std::string& metric, const std::vector<double>& baseline,
                              const std::vector<double>& candidate, const CompareGates& gates);
MemoryComparison compare_memory(const SideSummary& baseline, const SideSummary& candidate, const CompareGates& gates);
// SLOWER if either is, else FASTER if either is and neither is UNSURE, SAME if both are, else UNSURE.
std::string combined_speed_verdict(const std::string& a, const std::string& b);

PairVerdict judge_pair(const RunGroup& baseline, const RunGroup& candidate, const CompareGates& gates);

}  // namespace nslab
