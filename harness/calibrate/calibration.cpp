#include "harness/calibrate/calibration.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "core/error.hpp"
#include "harness/compare/pair_verdicts.hpp"
#include "harness/stats/sample_statistics.hpp"

namespace nslab {
namespace {

std::string number(double value, const char* format) {
  char buffer[96];
  std::snprintf(buffer, sizeof buffer, format, value);
  return buffer;
}

// z with P(|Z| > z) = alpha, by bisection on the upper tail.
double two_sided_critical_z(double alpha) {
  double low = 0, high = 40;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (low + high);
    (2 * normal_upper_tail(mid) > alpha ? low : high) = mid;
  }
  return 0.5 * (low + high);
}

}  // namespace

std::optional<EvidenceReference> closed_form_reference(const RunGroup& runs) {
  std::optional<double> value;
  for (const auto& run : runs.runs) {
    if (!run.row.reference_log_z) return std::nullopt;
    if (value && *value != *run.row.reference_log_z) return std::nullopt;
    value = run.row.reference_log_z;
  }
  if (!value) return std::nullopt;
  return EvidenceReference{*value, 0.0, "closed form"};
}

EvidenceReference reference_from_runs(const RunGroup& runs) {
  const SideSummary side = summarise_side(runs);
  if (!side.log_z) throw UsageError("reference runs of " + runs.cell + " have no log Z");
  return {*side.log_z, side.log_z_sigma.value_or(0.0),
          runs.cell + " (" + std::to_string(side.seeds) + (side.seeds == 1 ? " seed" : " seeds") + ", σ from " +
              side.sigma_source + ")"};
}

Calibration calibrate_evidence(const RunGroup& group, const EvidenceReference& reference,
                               const CalibrationGates& gates) {
  Calibration c;
  c.cell = group.cell;
  c.configuration = group.configuration;
  c.reference = reference;
  std::map<std::string, bool> seen;
  for (const auto& run : group.runs) {
    if (!run.row.log_z || !run.row.log_z_error || !(*run.row.log_z_error > 0))
      throw UsageError(run.row.path + ": no log Z with an error to calibrate");
    if (!run.seed.empty() && seen[run.seed]) continue;  // a repetition: same log Z
    seen[run.seed] = true;
    CalibrationRun r;
    r.path = run.row.path;
    r.seed = run.seed;
    r.log_z = *run.row.log_z;
    r.error = *run.row.log_z_error;
    r.pull = (r.log_z - reference.value) / std::sqrt(r.error * r.error + reference.error * reference.error);
    r.evals = run.row.evals;
    r.ms_per_eval = run.row.time_per_eval_ms;
    r.wall_s = run.row.total_wall_s;
    c.runs.push_back(r);
  }
  const double n = static_cast<double>(c.runs.size());
  std::vector<double> log_z, errors, pulls, evals, ms, wall;
  for (const auto& r : c.runs) {
    log_z.push_back(r.log_z);
    errors.push_back(r.error);
    pulls.push_back(r.pull);
    if (r.evals) evals.push_back(*r.evals);
    if (r.ms_per_eval) ms.push_back(*r.ms_per_eval);
    if (r.wall_s) wall.push_back(*r.wall_s);
  }
  c.bias = mean_of(log_z) - reference.value;
  c.scatter = sample_sd(log_z);
  c.mean_error = mean_of(errors);
  double sum_squares = 0;
  for (double e : errors) sum_squares += e * e;
  // The standard error of the mean log Z: the scatter, never below what the
  // reported errors give (a few seeds can scatter little by chance).
  const double spread = std::max(c.scatter, std::sqrt(sum_squares / n));
  c.bias_error = std::sqrt(spread * spread / n + reference.error * reference.error);
  c.bias_sigma = c.bias / c.bias_error;
  c.scatter_ratio = c.scatter / c.mean_error;
  c.pull_mean = mean_of(pulls);
  c.pull_sd = sample_sd(pulls);
  c.within_1_sigma = static_cast<double>(std::count_if(pulls.begin(), pulls.end(), [](double p) { return std::abs(p) <= 1; })) / n;
  c.within_2_sigma = static_cast<double>(std::count_if(pulls.begin(), pulls.end(), [](double p) { return std::abs(p) <= 2; })) / n;
  if (!evals.empty()) c.mean_evals = mean_of(evals);
  if (!ms.empty()) c.mean_ms_per_eval = mean_of(ms);
  if (!wall.empty()) c.mean_wall_s = mean_of(wall);

  std::vector<std::string> verdicts;
  const std::string bias_text = number(c.bias, "%+.3f") + " ± " + number(c.bias_error, "%.3f") + " (" +
                                number(c.bias_sigma, "%+.1f") + " σ)";
  if (std::abs(c.bias_sigma) > gates.bias_sigma) {
    verdicts.push_back("BIASED");
    c.findings.push_back("mean log Z − reference " + bias_text + ": beyond " + number(gates.bias_sigma, "%g") + " σ");
  } else {
    c.findings.push_back("mean log Z − reference " + bias_text + ": within " + number(gates.bias_sigma, "%g") + " σ");
  }
  if (c.runs.size() >= gates.min_runs_for_scatter) {
    // ln(sd) of n normal values has a standard error of about 1 / sqrt(2 (n - 1)).
    c.scatter_ratio_z = std::log(c.scatter_ratio) * std::sqrt(2.0 * (n - 1));
    const double critical = two_sided_critical_z(gates.ratio_alpha);
    const std::string ratio_text = "scatter over seeds / mean reported error " + number(c.scatter_ratio, "%.2f");
    if (c.scatter_ratio > gates.ratio_high && *c.scatter_ratio_z > critical) {
      verdicts.push_back("ERRORS TOO SMALL");
      c.findings.push_back(ratio_text + ": the reported errors understate the scatter");
    } else if (c.scatter_ratio < gates.ratio_low && *c.scatter_ratio_z < -critical) {
      verdicts.push_back("ERRORS TOO LARGE");
      c.findings.push_back(ratio_text + ": the reported errors overstate the scatter");
    } else {
      c.findings.push_back(ratio_text + ": consistent with honest error bars");
    }
  } else {
    c.findings.push_back("scatter not judged: " + std::to_string(c.runs.size()) + " seeds, fewer than " +
                         std::to_string(gates.min_runs_for_scatter));
  }
  if (verdicts.empty()) verdicts.push_back("CALIBRATED");
  for (const auto& v : verdicts) c.verdict += (c.verdict.empty() ? "" : " + ") + v;
  return c;
}

}  // namespace nslab
