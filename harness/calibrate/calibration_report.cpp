// Calibration's report: Markdown, JSON and the SVG histogram of the pulls.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <sstream>

#include "harness/calibrate/calibration.hpp"
#include "harness/plots/svg_text.hpp"
#include "harness/result_tables.hpp"

namespace nslab {
namespace {

using Json = nlohmann::ordered_json;

std::string fmt(double value, const char* format) {
  char buffer[96];
  std::snprintf(buffer, sizeof buffer, format, value);
  return buffer;
}
std::string fmt(const std::optional<double>& value, const char* format) {
  return value && std::isfinite(*value) ? fmt(*value, format) : "-";
}

std::string settings_text(const Calibration& c) {
  std::string text;
  for (const auto& [key, value] : c.configuration) text += (text.empty() ? "" : ", ") + key + "=" + value;
  return text;
}

// The settings that shape a sampler's accuracy, for a one-line subtitle.
std::string key_settings_text(const Calibration& c) {
  std::string text;
  for (const char* key : {"n_live", "num_delete", "num_inner_steps", "n_eff", "n_batch", "inversion"})
    if (const auto found = c.configuration.find(key); found != c.configuration.end())
      text += (text.empty() ? "" : ", ") + std::string(key) + "=" + found->second;
  return text;
}

}  // namespace

std::string render_calibration_markdown(const Calibration& c, const CalibrationGates& gates) {
  std::ostringstream out;
  out << "# Calibration: " << c.cell << "\n\nSettings: " << settings_text(c) << ".\n\nReference log Z "
      << fmt(c.reference.value, "%.4f")
      << (c.reference.error > 0 ? " ± " + fmt(c.reference.error, "%.4f") : std::string()) << " ("
      << c.reference.source << ").\n\n**" << c.verdict << "**\n\n";
  for (const auto& finding : c.findings) out << "- " << finding << "\n";
  out << "\nGates: |bias| ≤ " << fmt(gates.bias_sigma, "%g")
      << " of its standard error (the scatter over seeds / √N, never below the reported errors' / √N); "
         "scatter / mean error in ["
      << fmt(gates.ratio_low, "%g") << ", " << fmt(gates.ratio_high, "%g") << "] unless within chance at alpha "
      << fmt(gates.ratio_alpha, "%g") << " (judged from " << gates.min_runs_for_scatter
      << " seeds). Pull = (log Z − reference) / √(error² + reference error²).\n\n";
  Table summary{"Summary",
                {"seeds", "bias (± s.e.)", "bias / s.e.", "sd over seeds", "mean error", "sd / error", "mean pull",
                 "pull sd", "within 1σ", "within 2σ", "evaluations per run", "ms/eval", "wall per run"},
                {}};
  summary.rows.push_back({std::to_string(c.runs.size()), fmt(c.bias, "%+.3f") + " ± " + fmt(c.bias_error, "%.3f"),
                          fmt(c.bias_sigma, "%+.1f"), fmt(c.scatter, "%.3f"), fmt(c.mean_error, "%.3f"),
                          fmt(c.scatter_ratio, "%.2f"), fmt(c.pull_mean, "%+.2f"),
                          c.runs.size() > 1 ? fmt(c.pull_sd, "%.2f") : "-",
                          fmt(100 * c.within_1_sigma, "%.0f") + " %", fmt(100 * c.within_2_sigma, "%.0f") + " %",
                          fmt(c.mean_evals, "%.0f"), fmt(c.mean_ms_per_eval, "%.4g"),
                          format_duration(c.mean_wall_s)});
  std::vector<Table> tables = {summary};
  if (c.runs.size() <= 25) {
    Table per_seed{"Per seed", {"seed", "log Z", "error", "pull", "evaluations", "file"}, {}};
    for (const auto& r : c.runs)
      per_seed.rows.push_back({r.seed, fmt(r.log_z, "%.4f"), fmt(r.error, "%.4f"), fmt(r.pull, "%+.2f"),
                               fmt(r.evals, "%.0f"), r.path});
    tables.push_back(per_seed);
  }
  out << render_markdown(tables);
  return out.str();
}

Json calibration_json(const Calibration& c, const CalibrationGates& gates) {
  auto optional = [](const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); };
  Json runs = Json::array();
  for (const auto& r : c.runs)
    runs.push_back({{"seed", r.seed}, {"log_evidence", r.log_z}, {"log_evidence_error", r.error}, {"pull", r.pull},
                    {"likelihood_evals", optional(r.evals)}, {"time_per_eval_ms", optional(r.ms_per_eval)},
                    {"total_wall_s", optional(r.wall_s)}, {"path", r.path}});
  return {{"schema", "nslab.calibration/1"},
          {"cell", c.cell},
          {"configuration", c.configuration},
          {"reference", {{"log_evidence", c.reference.value}, {"error", c.reference.error}, {"source", c.reference.source}}},
          {"gates",
           {{"bias_sigma", gates.bias_sigma}, {"scatter_ratio", {gates.ratio_low, gates.ratio_high}},
            {"ratio_alpha", gates.ratio_alpha}, {"min_runs_for_scatter", gates.min_runs_for_scatter}}},
          {"verdict", c.verdict},
          {"findings", c.findings},
          {"seeds", c.runs.size()},
          {"bias", c.bias},
          {"bias_error", c.bias_error},
          {"bias_sigma", c.bias_sigma},
          {"scatter", c.scatter},
          {"mean_error", c.mean_error},
          {"scatter_ratio", c.scatter_ratio},
          {"scatter_ratio_z", optional(c.scatter_ratio_z)},
          {"pull_mean", c.pull_mean},
          {"pull_sd", c.pull_sd},
          {"within_1_sigma", c.within_1_sigma},
          {"within_2_sigma", c.within_2_sigma},
          {"mean_likelihood_evals", optional(c.mean_evals)},
          {"mean_time_per_eval_ms", optional(c.mean_ms_per_eval)},
          {"mean_total_wall_s", optional(c.mean_wall_s)},
          {"runs", runs}};
}

std::string render_pull_histogram_svg(const Calibration& c) {
  const double width = 680, height = 420, left = 60, right = width - 20, top = 78, bottom = height - 50;
  double extent = 4;
  for (const auto& r : c.runs) extent = std::max(extent, std::ceil(std::abs(r.pull) + 0.5));
  const double bin = extent <= 6 ? 0.5 : std::ceil(extent / 12.0);
  extent = std::ceil(extent / bin) * bin;
  const int bins = static_cast<int>(std::lround(2 * extent / bin));
  std::vector<int> counts(bins, 0);
  for (const auto& r : c.runs)
    counts[std::clamp(static_cast<int>(std::floor((r.pull + extent) / bin)), 0, bins - 1)]++;
  const double n = static_cast<double>(c.runs.size());
  const double peak_expected = n * bin / std::sqrt(2 * std::numbers::pi);
  const double y_max = std::max<double>(1.15 * std::max(*std::max_element(counts.begin(), counts.end()), 1),
                                        1.15 * peak_expected);
  auto x_of = [&](double pull) { return left + (pull + extent) / (2 * extent) * (right - left); };
  auto y_of = [&](double count) { return bottom - count / y_max * (bottom - top); };

  std::ostringstream svg;
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
      << "\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      << "<text x=\"" << width / 2 << "\" y=\"20\" text-anchor=\"middle\" font-size=\"15\">Pulls of log Z: "
      << svg_escape(c.cell) << "</text>\n<text x=\"" << width / 2 << "\" y=\"38\" text-anchor=\"middle\">"
      << svg_escape(key_settings_text(c)) << "</text>\n<text x=\"" << width / 2
      << "\" y=\"56\" text-anchor=\"middle\" font-weight=\"bold\">" << svg_escape(c.verdict) << ": "
      << c.runs.size() << " seeds, bias " << fmt(c.bias, "%+.3f") << " ± " << fmt(c.bias_error, "%.3f")
      << " (" << fmt(c.bias_sigma, "%+.1f") << " σ), sd/error " << fmt(c.scatter_ratio, "%.2f") << "</text>\n";
  svg << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << right - left << "\" height=\"" << bottom - top
      << "\" fill=\"none\" stroke=\"#333\"/>\n";
  for (double tick : linear_ticks(0, y_max, 5)) {
    if (tick > y_max || tick != std::floor(tick)) continue;  // counts are whole
    svg << "<line x1=\"" << left << "\" x2=\"" << right << "\" y1=\"" << y_of(tick) << "\" y2=\"" << y_of(tick)
        << "\" stroke=\"#e5e5e5\"/><text x=\"" << left - 6 << "\" y=\"" << y_of(tick) + 4
        << "\" text-anchor=\"end\">" << tick_label(tick) << "</text>\n";
  }
  for (double tick : linear_ticks(-extent, extent, 8))
    svg << "<text x=\"" << x_of(tick) << "\" y=\"" << bottom + 16 << "\" text-anchor=\"middle\">" << tick_label(tick)
        << "</text>\n";
  for (int i = 0; i < bins; ++i) {
    if (!counts[i]) continue;
    const double x0 = x_of(-extent + i * bin), x1 = x_of(-extent + (i + 1) * bin);
    svg << "<rect x=\"" << x0 + 0.5 << "\" y=\"" << y_of(counts[i]) << "\" width=\"" << x1 - x0 - 1
        << "\" height=\"" << bottom - y_of(counts[i]) << "\" fill=\"#1f77b4\" fill-opacity=\"0.75\"/>\n";
  }
  svg << "<polyline fill=\"none\" stroke=\"#d62728\" stroke-width=\"1.6\" points=\"";
  for (int i = 0; i <= 200; ++i) {
    const double pull = -extent + 2 * extent * i / 200.0;
    svg << x_of(pull) << ',' << y_of(peak_expected * std::exp(-0.5 * pull * pull)) << ' ';
  }
  svg << "\"/>\n";
  svg << "<line x1=\"" << x_of(0) << "\" x2=\"" << x_of(0) << "\" y1=\"" << top << "\" y2=\"" << bottom
      << "\" stroke=\"#555\" stroke-dasharray=\"3,3\"/>\n";
  const double mean_x = x_of(std::clamp(c.pull_mean, -extent, extent));
  svg << "<line x1=\"" << mean_x << "\" x2=\"" << mean_x << "\" y1=\"" << top << "\" y2=\"" << bottom
      << "\" stroke=\"#2ca02c\" stroke-width=\"2\"/>\n";
  svg << "<text x=\"" << (left + right) / 2 << "\" y=\"" << height - 14
      << "\" text-anchor=\"middle\">pull = (log Z − reference) / error</text>\n"
      << "<text transform=\"translate(16," << (top + bottom) / 2
      << ") rotate(-90)\" text-anchor=\"middle\">seeds per bin</text>\n";
  const double legend_x = left + 10;
  svg << "<rect x=\"" << legend_x << "\" y=\"" << top + 8 << "\" width=\"12\" height=\"10\" fill=\"#1f77b4\"/>"
      << "<text x=\"" << legend_x + 18 << "\" y=\"" << top + 17 << "\">runs</text>\n"
      << "<line x1=\"" << legend_x << "\" x2=\"" << legend_x + 12 << "\" y1=\"" << top + 30 << "\" y2=\"" << top + 30
      << "\" stroke=\"#d62728\" stroke-width=\"1.6\"/><text x=\"" << legend_x + 18 << "\" y=\"" << top + 34
      << "\">N(0, 1): calibrated</text>\n"
      << "<line x1=\"" << legend_x << "\" x2=\"" << legend_x + 12 << "\" y1=\"" << top + 47 << "\" y2=\"" << top + 47
      << "\" stroke=\"#2ca02c\" stroke-width=\"2\"/><text x=\"" << legend_x + 18 << "\" y=\"" << top + 51
      << "\">mean pull " << fmt(c.pull_mean, "%+.2f") << "</text>\n</svg>\n";
  return svg.str();
}

}  // namespace nslab
