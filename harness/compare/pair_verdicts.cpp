#include "harness/compare/pair_verdicts.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "harness/stats/sample_statistics.hpp"

namespace nslab {
namespace {

std::string number(double value, const char* format = "%.4g") {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, value);
  return buffer;
}

// Runs of one seed in file order; a run without a seed counts as its own.
std::vector<std::vector<const RunRecord*>> runs_by_seed(const RunGroup& group) {
  std::map<std::string, std::size_t> index;
  std::vector<std::vector<const RunRecord*>> seeds;
  for (std::size_t i = 0; i < group.runs.size(); ++i) {
    const RunRecord& run = group.runs[i];
    // Appended piece by piece: GCC 12's -Wrestrict misfires on "#" + string (bug 105329).
    std::string key = run.seed;
    if (key.empty()) key.append("#").append(std::to_string(i));
    auto [at, fresh] = index.try_emplace(key, seeds.size());
    if (fresh) seeds.emplace_back();
    seeds[at->second].push_back(&run);
  }
  return seeds;
}

std::vector<double> elementwise_mean(const std::vector<std::vector<double>>& vectors) {
  if (vectors.empty() || vectors.front().empty()) return {};
  std::vector<double> mean(vectors.front().size(), 0.0);
  for (const auto& v : vectors) {
    if (v.size() != mean.size()) return {};
    for (std::size_t i = 0; i < v.size(); ++i) mean[i] += v[i] / static_cast<double>(vectors.size());
  }
  return mean;
}

std::vector<double> positive_finite(const std::vector<double>& values) {
  std::vector<double> out;
  for (double v : values)
    if (std::isfinite(v) && v > 0) out.push_back(v);
  return out;
}

}  // namespace

SideSummary summarise_side(const RunGroup& group) {
  SideSummary side;
  side.runs = group.runs.size();
  const auto seeds = runs_by_seed(group);
  side.seeds = seeds.size();

  std::vector<double> log_z, errors;
  std::vector<std::vector<double>> means, sds;
  bool every_error = true;
  for (const auto& runs : seeds) {
    const RunRecord& first = *runs.front();
    for (const RunRecord* other : runs)
      if (other->row.log_z != first.row.log_z)
        side.notes.push_back("repetitions of seed " + first.seed + " differ in log Z (" +
                             number(first.row.log_z.value_or(NAN), "%.6f") + " vs " +
                             number(other->row.log_z.value_or(NAN), "%.6f") + "): results are not reproducible");
    if (first.row.log_z) log_z.push_back(*first.row.log_z);
    if (first.row.log_z_error) errors.push_back(*first.row.log_z_error);
    else every_error = false;
    if (!first.posterior_mean.empty() && first.posterior_mean.size() == first.posterior_std.size()) {
      means.push_back(first.posterior_mean);
      sds.push_back(first.posterior_std);
    }
  }
  if (!log_z.empty()) {
    const double n = static_cast<double>(log_z.size());
    side.log_z = mean_of(log_z);
    std::optional<double> reported;
    if (every_error && errors.size() == log_z.size()) {
      double sum_squares = 0;
      for (double e : errors) sum_squares += e * e;
      reported = std::sqrt(sum_squares) / n;  // the error of a mean of independent runs
    }
    // Three seeds or more: the scatter over seeds, which catches error bars
    // that are too small, but never less than the reported errors give (a
    // sample sd from a few seeds can come out small by chance).
    if (log_z.size() >= 3) {
      const double scatter = sample_sd(log_z) / std::sqrt(n);
      const bool scatter_wins = !reported || scatter >= *reported;
      side.log_z_sigma = scatter_wins ? scatter : *reported;
      side.sigma_source = scatter_wins ? "seed scatter" : "reported errors";
    } else if (reported) {
      side.log_z_sigma = reported;
      side.sigma_source = "reported error";
    } else {
      side.sigma_source = "none";
    }
  }
  for (const auto& run : group.runs) {
    if (run.row.max_log_l) side.max_log_l = std::max(side.max_log_l.value_or(-INFINITY), *run.row.max_log_l);
    if (run.row.time_per_eval_ms) side.ms_per_eval.push_back(*run.row.time_per_eval_ms);
    if (run.row.total_wall_s) side.wall_s.push_back(*run.row.total_wall_s);
    if (run.row.peak_device_bytes) {
      side.peak_bytes = std::max(side.peak_bytes.value_or(0.0), *run.row.peak_device_bytes);
      const std::string& source = run.row.peak_source.empty() ? "unknown" : run.row.peak_source;
      side.peak_source = side.peak_source.empty() || side.peak_source == source ? source : "mixed";
    }
    if (!run.notes.empty() &&
        std::find(side.notes.begin(), side.notes.end(), run.notes) == side.notes.end())
      side.notes.push_back(run.notes);
  }
  side.posterior_mean = elementwise_mean(means);
  side.posterior_std = elementwise_mean(sds);
  const auto& names = group.runs.front().parameter_names;
  if (!side.posterior_mean.empty() && names.size() == side.posterior_mean.size()) side.parameter_names = names;
  return side;
}

bool Correctness::pass() const {
  return std::all_of(gates.begin(), gates.end(), [](const Gate& gate) { return gate.pass; });
}

Correctness compare_correctness(const SideSummary& b, const SideSummary& c, const CompareGates& gates) {
  Correctness out;
  Gate log_z{"log Z", std::nullopt, true, ""};
  if (b.log_z && c.log_z) {
    out.delta_log_z = *c.log_z - *b.log_z;
    double variance = 0;
    for (const auto* side : {&b, &c})
      if (side->log_z_sigma) variance += *side->log_z_sigma * *side->log_z_sigma;
    if (variance > 0) {
      out.sigma = std::sqrt(variance);
      out.delta_log_z_sigma = *out.delta_log_z / *out.sigma;
      log_z.value = std::abs(*out.delta_log_z_sigma);
      log_z.pass = *log_z.value <= gates.log_z_sigma;
      log_z.note = "|Δ| / σ ≤ " + number(gates.log_z_sigma);
      if (!b.log_z_sigma || !c.log_z_sigma)
        log_z.note += "; σ from the " + std::string(b.log_z_sigma ? "baseline" : "candidate") +
                      " alone (the other side reports no error)";
    } else {
      log_z.note = "not checked: neither side has a log Z error";
    }
  } else {
    log_z.note = "not checked: log Z missing on one side";
  }
  out.gates.push_back(log_z);

  Gate max_log_l{"max log L", std::nullopt, true, ""};
  if (b.max_log_l && c.max_log_l) {
    out.delta_max_log_l = *c.max_log_l - *b.max_log_l;
    max_log_l.value = std::abs(*out.delta_max_log_l);
    max_log_l.pass = *max_log_l.value <= gates.max_log_l_nats;
    max_log_l.note = "|Δ| ≤ " + number(gates.max_log_l_nats) + " nats";
  } else {
    max_log_l.note = "not checked: max log L missing on one side";
  }
  out.gates.push_back(max_log_l);

  // Parameters by name where both sides name their posterior vector, else by
  // position when the vectors have one length (peers' files name parameters
  // their own way but keep nslab's order).
  std::vector<std::pair<std::size_t, std::size_t>> matched;
  if (b.posterior_mean.empty() || c.posterior_mean.empty()) {
    out.parameters_matched_by = "not compared: no posterior summary on " +
                                std::string(b.posterior_mean.empty() ? "the baseline" : "the candidate");
  } else if (!b.parameter_names.empty() && !c.parameter_names.empty() &&
             std::is_permutation(b.parameter_names.begin(), b.parameter_names.end(), c.parameter_names.begin(),
                                 c.parameter_names.end())) {
    out.parameters_matched_by = "name";
    for (std::size_t i = 0; i < b.parameter_names.size(); ++i)
      matched.emplace_back(i, std::find(c.parameter_names.begin(), c.parameter_names.end(), b.parameter_names[i]) -
                                  c.parameter_names.begin());
  } else if (b.posterior_mean.size() == c.posterior_mean.size()) {
    out.parameters_matched_by = "position";
    for (std::size_t i = 0; i < b.posterior_mean.size(); ++i) matched.emplace_back(i, i);
  } else {
    out.parameters_matched_by = "not compared: " + std::to_string(b.posterior_mean.size()) + " parameters vs " +
                                std::to_string(c.posterior_mean.size());
  }
  for (const auto& [i, j] : matched) {
    if (!(b.posterior_std[i] > 0)) continue;
    const std::string name = !b.parameter_names.empty()   ? b.parameter_names[i]
                             : !c.parameter_names.empty() ? c.parameter_names[j]
                                                          : "parameter " + std::to_string(i);
    out.parameters.push_back({name, b.posterior_mean[i], c.posterior_mean[j], b.posterior_std[i], c.posterior_std[j],
                              std::abs(c.posterior_mean[j] - b.posterior_mean[i]) / b.posterior_std[i],
                              c.posterior_std[j] / b.posterior_std[i]});
  }
  Gate shift{"posterior mean shift", std::nullopt, true, ""}, ratio{"posterior σ ratio", std::nullopt, true, ""};
  if (out.parameters.empty()) {
    shift.note = ratio.note = out.parameters_matched_by.empty() ? "not checked" : out.parameters_matched_by;
  } else {
    const auto worst_shift = std::max_element(out.parameters.begin(), out.parameters.end(),
                                              [](auto& x, auto& y) { return x.shift_sigma < y.shift_sigma; });
    shift.value = worst_shift->shift_sigma;
    shift.pass = *shift.value <= gates.mean_shift_sigma;
    shift.note = "worst " + worst_shift->name + "; ≤ " + number(gates.mean_shift_sigma) + " σ";
    const auto worst_ratio = std::max_element(out.parameters.begin(), out.parameters.end(), [](auto& x, auto& y) {
      return std::abs(std::log(x.sd_ratio)) < std::abs(std::log(y.sd_ratio));
    });
    ratio.value = worst_ratio->sd_ratio;
    ratio.pass = std::all_of(out.parameters.begin(), out.parameters.end(), [&](const ParameterComparison& p) {
      return p.sd_ratio >= gates.sd_ratio_low && p.sd_ratio <= gates.sd_ratio_high;
    });
    ratio.note = "worst " + worst_ratio->name + "; in [" + number(gates.sd_ratio_low) + ", " +
                 number(gates.sd_ratio_high) + "]";
  }
  out.gates.push_back(shift);
  out.gates.push_back(ratio);
  return out;
}

SpeedComparison compare_speed(const std::string& metric, const std::vector<double>& baseline_values,
                              const std::vector<double>& candidate_values, const CompareGates& gates) {
  SpeedComparison out;
  out.metric = metric;
  const std::vector<double> b = positive_finite(baseline_values), c = positive_finite(candidate_values);
  out.baseline_runs = b.size();
  out.candidate_runs = c.size();
  if (b.empty() || c.empty()) {
    out.verdict = "UNSURE";
    out.reason = "no " + metric + " on the " + std::string(b.empty() ? "baseline" : "candidate");
    return out;
  }
  out.baseline_median = median_of(b);
  out.candidate_median = median_of(c);
  out.ratio = hodges_lehmann_ratio(b, c);
  if (b.size() < 2 || c.size() < 2) {
    out.verdict = "UNSURE";
    out.reason = std::to_string(b.size()) + " and " + std::to_string(c.size()) + " runs";
    return out;
  }
  out.test = mann_whitney_u(b, c);
  const double p = out.test->p_two_sided;
  const double same = 1.0 + gates.same_within, effect = 1.0 + gates.min_effect;
  if (out.test->smallest_possible_p > gates.alpha) {
    out.verdict = "UNSURE";
    out.reason = std::to_string(b.size()) + " and " + std::to_string(c.size()) + " runs: p ≥ " +
                 number(out.test->smallest_possible_p, "%.2g");
  } else if (*out.ratio >= 1.0 / same && *out.ratio <= same) {
    out.verdict = "SAME";
    out.reason = "within ±" + number(100 * gates.same_within) + " %";
  } else if (p < gates.alpha && (*out.ratio > effect || *out.ratio < 1.0 / effect)) {
    out.verdict = *out.ratio > 1 ? "SLOWER" : "FASTER";
    out.reason = "p " + number(p, "%.2g") + " < " + number(gates.alpha);
  } else {
    out.verdict = "UNSURE";
    out.reason = p < gates.alpha ? "p " + number(p, "%.2g") + " but within the ±" + number(100 * gates.min_effect) +
                                       " % minimum effect"
                                 : "p " + number(p, "%.2g") + " ≥ " + number(gates.alpha);
  }
  return out;
}

std::string combined_speed_verdict(const std::string& a, const std::string& b) {
  if (a == "SLOWER" || b == "SLOWER") return "SLOWER";
  if (a == "UNSURE" || b == "UNSURE") return "UNSURE";
  if (a == "FASTER" || b == "FASTER") return "FASTER";
  return "SAME";
}

MemoryComparison compare_memory(const SideSummary& b, const SideSummary& c, const CompareGates& gates) {
  MemoryComparison out;
  if (!b.peak_bytes || !c.peak_bytes || !(*b.peak_bytes > 0)) {
    out.verdict = "not compared";
    out.reason = "no peak memory on " + std::string(!b.peak_bytes || !(*b.peak_bytes > 0) ? "the baseline" : "the candidate");
    return out;
  }
  out.ratio = *c.peak_bytes / *b.peak_bytes;
  if (b.peak_source != c.peak_source) {
    out.verdict = "not compared";
    out.reason = "measured differently (" + b.peak_source + " vs " + c.peak_source + ")";
    return out;
  }
  if (*out.ratio > 1.0 + gates.memory_tolerance) out.verdict = "LARGER";
  else if (*out.ratio < 1.0) out.verdict = "smaller";
  else out.verdict = "same";
  out.reason = b.peak_source + (gates.memory_tolerance > 0 ? ", tolerance +" + number(100 * gates.memory_tolerance) + " %" : "");
  return out;
}

PairVerdict judge_pair(const RunGroup& baseline, const RunGroup& candidate, const CompareGates& gates) {
  PairVerdict verdict;
  verdict.baseline = summarise_side(baseline);
  verdict.candidate = summarise_side(candidate);
  verdict.correctness = compare_correctness(verdict.baseline, verdict.candidate, gates);
  verdict.ms_per_eval = compare_speed("ms/eval", verdict.baseline.ms_per_eval, verdict.candidate.ms_per_eval, gates);
  verdict.wall = compare_speed("wall", verdict.baseline.wall_s, verdict.candidate.wall_s, gates);
  verdict.performance = combined_speed_verdict(verdict.ms_per_eval.verdict, verdict.wall.verdict);
  verdict.memory = compare_memory(verdict.baseline, verdict.candidate, gates);
  return verdict;
}

}  // namespace nslab
