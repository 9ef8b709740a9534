#include "harness/plots/dot_plot.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "harness/plots/svg_text.hpp"

namespace nslab {
namespace {

// Samplers the harness knows get the same colour in every figure.
std::string colour_of(const std::string& series, std::map<std::string, std::string>& assigned) {
  static const std::map<std::string, std::string> known = {
      {"nss", "#1f77b4"},         {"nautilus", "#d62728"},         {"af-nss", "#17becf"},
      {"af-nautilus", "#ff7f0e"}, {"blackjax-nss", "#9467bd"},     {"nautilus-sampler", "#8c564b"}};
  static const char* spare[] = {"#2ca02c", "#e377c2", "#7f7f7f", "#bcbd22"};
  if (const auto found = known.find(series); found != known.end()) return found->second;
  if (const auto found = assigned.find(series); found != assigned.end()) return found->second;
  const std::string colour = spare[assigned.size() % (sizeof spare / sizeof *spare)];
  assigned[series] = colour;
  return colour;
}

void draw_marker(std::ostringstream& svg, int shape, double x, double y, const std::string& colour, bool hollow,
                 bool ringed) {
  const std::string fill = hollow ? "white" : colour;
  const std::string stroke = " stroke=\"" + colour + "\" stroke-width=\"1.5\"";
  if (ringed)
    svg << "<circle cx=\"" << x << "\" cy=\"" << y << "\" r=\"8.5\" fill=\"none\" stroke=\"#111\" stroke-width=\"1.5\"/>";
  const double r = 5;
  switch (shape % 4) {
    case 0:
      svg << "<circle cx=\"" << x << "\" cy=\"" << y << "\" r=\"" << r << "\" fill=\"" << fill << "\"" << stroke << "/>";
      break;
    case 1:
      svg << "<rect x=\"" << x - r << "\" y=\"" << y - r << "\" width=\"" << 2 * r << "\" height=\"" << 2 * r
          << "\" fill=\"" << fill << "\"" << stroke << "/>";
      break;
    case 2:
      svg << "<polygon points=\"" << x << ',' << y - 1.2 * r << ' ' << x - 1.1 * r << ',' << y + 0.8 * r << ' '
          << x + 1.1 * r << ',' << y + 0.8 * r << "\" fill=\"" << fill << "\"" << stroke << "/>";
      break;
    default:
      svg << "<polygon points=\"" << x << ',' << y - 1.3 * r << ' ' << x + 1.3 * r << ',' << y << ' ' << x << ','
          << y + 1.3 * r << ' ' << x - 1.3 * r << ',' << y << "\" fill=\"" << fill << "\"" << stroke << "/>";
  }
  svg << '\n';
}

struct XAxis {
  double low, high;
  bool log;
  double map(double v, double left, double right) const {
    const double a = log ? std::log10(low) : low, b = log ? std::log10(high) : high;
    return left + ((log ? std::log10(v) : v) - a) / (b - a) * (right - left);
  }
};

XAxis fit(const DotPlot& plot) {
  std::vector<double> values;
  for (const auto& row : plot.rows)
    for (const auto& p : row.points) {
      values.push_back(p.value - p.error);
      values.push_back(p.value + p.error);
    }
  if (plot.reference) values.push_back(*plot.reference);
  std::erase_if(values, [&](double v) { return !std::isfinite(v) || (plot.log_x && v <= 0); });
  if (values.empty()) return {plot.log_x ? 1.0 : 0.0, plot.log_x ? 10.0 : 1.0, plot.log_x};
  double low = *std::min_element(values.begin(), values.end()), high = *std::max_element(values.begin(), values.end());
  if (plot.log_x) return {low / 1.6, high * 1.6, true};
  const double pad = high > low ? 0.06 * (high - low) : std::max(0.5, std::abs(low) * 0.01);
  return {low - pad, high + pad, false};
}

std::vector<double> ticks_of(const XAxis& axis) {
  if (axis.log) {
    std::vector<double> ticks;
    for (double p = std::floor(std::log10(axis.low)); p <= std::ceil(std::log10(axis.high)); ++p)
      for (double m : {1.0, 2.0, 5.0}) {
        const double v = m * std::pow(10.0, p);
        if (v >= axis.low && v <= axis.high) ticks.push_back(v);
      }
    if (ticks.size() >= 2) return ticks;
  }
  return linear_ticks(axis.low, axis.high, 6);
}

}  // namespace

std::string render_dot_plot_svg(const DotPlot& plot) {
  std::map<std::string, std::string> spare_colours;
  std::vector<std::string> series, markers;
  for (const auto& row : plot.rows) {
    if (std::find(series.begin(), series.end(), row.series) == series.end()) series.push_back(row.series);
    if (std::find(markers.begin(), markers.end(), row.marker) == markers.end()) markers.push_back(row.marker);
  }
  std::sort(markers.begin(), markers.end());
  auto shape_of = [&](const std::string& marker) {
    return static_cast<int>(std::find(markers.begin(), markers.end(), marker) - markers.begin());
  };
  bool any_hollow = false, any_ringed = false;
  for (const auto& row : plot.rows)
    for (const auto& p : row.points) {
      any_hollow = any_hollow || p.hollow;
      any_ringed = any_ringed || p.ringed;
    }

  double label_width = 0, legend_width = 0;
  for (const auto& row : plot.rows) label_width = std::max(label_width, text_width(row.label));
  std::vector<std::string> legend_texts(series.begin(), series.end());
  legend_texts.insert(legend_texts.end(), markers.begin(), markers.end());
  legend_texts.push_back("not finished (budget)");
  legend_texts.push_back("anchor (PyAutoLens)");
  for (const auto& text : legend_texts) legend_width = std::max(legend_width, text_width(text));
  const double row_height = 26, plot_width = 460;
  const double left = label_width + 24, right = left + plot_width;
  double width = right + legend_width + 60;
  for (const auto& note : plot.footnotes) width = std::max(width, text_width(note, 11) + 16);
  const double top = 48;
  const double bottom = top + row_height * std::max<std::size_t>(plot.rows.size(), 1);
  const double legend_rows = static_cast<double>(series.size() + markers.size() + any_hollow + any_ringed);
  const double height = std::max(bottom + 46, top + 20 * legend_rows + 24) + 18 * plot.footnotes.size();
  const XAxis axis = fit(plot);

  std::ostringstream svg;
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
      << "\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      << "<text x=\"" << left << "\" y=\"24\" font-size=\"15\">" << svg_escape(plot.title) << "</text>\n";
  svg << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << plot_width << "\" height=\"" << bottom - top
      << "\" fill=\"none\" stroke=\"#333\"/>\n";
  for (double tick : ticks_of(axis)) {
    const double x = axis.map(tick, left, right);
    svg << "<line x1=\"" << x << "\" x2=\"" << x << "\" y1=\"" << top << "\" y2=\"" << bottom
        << "\" stroke=\"#e5e5e5\"/><text x=\"" << x << "\" y=\"" << bottom + 16 << "\" text-anchor=\"middle\">"
        << tick_label(tick) << "</text>\n";
  }
  svg << "<text x=\"" << (left + right) / 2 << "\" y=\"" << bottom + 36 << "\" text-anchor=\"middle\">"
      << svg_escape(plot.x_label) << "</text>\n";
  if (plot.reference) {
    const double x = axis.map(*plot.reference, left, right);
    svg << "<line x1=\"" << x << "\" x2=\"" << x << "\" y1=\"" << top << "\" y2=\"" << bottom
        << "\" stroke=\"#555\" stroke-dasharray=\"6,4\"/><text x=\"" << x << "\" y=\"" << top - 6
        << "\" text-anchor=\"middle\">" << svg_escape(plot.reference_label) << "</text>\n";
  }
  for (std::size_t i = 0; i < plot.rows.size(); ++i) {
    const DotRow& row = plot.rows[i];
    const double y = top + row_height * (static_cast<double>(i) + 0.5);
    const std::string colour = colour_of(row.series, spare_colours);
    if (i % 2 == 1)
      svg << "<rect x=\"" << left + 1 << "\" y=\"" << y - row_height / 2 << "\" width=\"" << plot_width - 2
          << "\" height=\"" << row_height << "\" fill=\"#f6f6f6\"/>\n";
    svg << "<text x=\"" << left - 8 << "\" y=\"" << y + 4 << "\" text-anchor=\"end\">" << svg_escape(row.label)
        << "</text>\n";
    for (std::size_t k = 0; k < row.points.size(); ++k) {
      const DotPoint& p = row.points[k];
      // Several runs in one row spread a little so none hides another.
      const double dy = row.points.size() > 1 ? (static_cast<double>(k) / (row.points.size() - 1) - 0.5) * 10 : 0;
      const double x = axis.map(p.value, left, right);
      if (p.error > 0)
        svg << "<line x1=\"" << axis.map(p.value - p.error, left, right) << "\" x2=\""
            << axis.map(p.value + p.error, left, right) << "\" y1=\"" << y + dy << "\" y2=\"" << y + dy
            << "\" stroke=\"" << colour << "\" stroke-width=\"1.5\"/>\n";
      draw_marker(svg, shape_of(row.marker), x, y + dy, colour, p.hollow, p.ringed);
    }
  }
  double legend_y = top + 10;
  const double legend_x = right + 24;
  for (const auto& s : series) {
    svg << "<rect x=\"" << legend_x - 6 << "\" y=\"" << legend_y - 6 << "\" width=\"12\" height=\"12\" fill=\""
        << colour_of(s, spare_colours) << "\"/><text x=\"" << legend_x + 12 << "\" y=\"" << legend_y + 4 << "\">"
        << svg_escape(s) << "</text>\n";
    legend_y += 20;
  }
  for (const auto& m : markers) {
    draw_marker(svg, shape_of(m), legend_x, legend_y, "#555", false, false);
    svg << "<text x=\"" << legend_x + 12 << "\" y=\"" << legend_y + 4 << "\">" << svg_escape(m) << "</text>\n";
    legend_y += 20;
  }
  if (any_hollow) {
    draw_marker(svg, 0, legend_x, legend_y, "#555", true, false);
    svg << "<text x=\"" << legend_x + 12 << "\" y=\"" << legend_y + 4 << "\">not finished (budget)</text>\n";
    legend_y += 20;
  }
  if (any_ringed) {
    draw_marker(svg, 0, legend_x, legend_y, "#555", false, true);
    svg << "<text x=\"" << legend_x + 12 << "\" y=\"" << legend_y + 4 << "\">anchor (PyAutoLens)</text>\n";
  }
  for (std::size_t i = 0; i < plot.footnotes.size(); ++i)
    svg << "<text x=\"8\" y=\"" << height - 8 - 18 * (plot.footnotes.size() - 1 - i) << "\" font-size=\"11\" fill=\"#444\">"
        << svg_escape(plot.footnotes[i]) << "</text>\n";
  svg << "</svg>\n";
  return svg.str();
}

}  // namespace nslab
