#include "harness/svg_chart.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

#include "harness/plots/svg_text.hpp"

namespace nslab {
namespace {

const char* kColours[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf"};

struct Axis {
  double low, high;
  bool log;
  double map(double v, double pixel_low, double pixel_high) const {
    const double a = log ? std::log10(low) : low, b = log ? std::log10(high) : high;
    const double t = ((log ? std::log10(v) : v) - a) / (b - a);
    return pixel_low + t * (pixel_high - pixel_low);
  }
  std::vector<double> ticks() const {
    std::vector<double> out;
    if (log) {
      for (double p = std::floor(std::log10(low)); p <= std::ceil(std::log10(high)); ++p) {
        const double v = std::pow(10.0, p);
        if (v >= low * 0.999 && v <= high * 1.001) out.push_back(v);
      }
      if (out.size() >= 2) return out;
      out.clear();
    }
    return linear_ticks(low, high);
  }
};

Axis fit_axis(std::vector<double> values, bool log) {
  std::erase_if(values, [&](double v) { return !std::isfinite(v) || (log && v <= 0); });
  if (values.empty()) return {log ? 1.0 : 0.0, log ? 10.0 : 1.0, log};
  double low = *std::min_element(values.begin(), values.end());
  double high = *std::max_element(values.begin(), values.end());
  if (log) {
    low /= 1.5;
    high *= 1.5;
  } else {
    const double pad = high > low ? 0.08 * (high - low) : std::max(1.0, std::abs(low) * 0.1);
    low -= pad;
    high += pad;
  }
  return {low, high, log};
}

}  // namespace

std::string SvgChart::render(int width, int height) const {
  const double left = 80, right = width - 200, top = 40, bottom = height - 110;
  std::vector<double> xs, ys;
  for (const auto& s : series_) {
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      xs.push_back(s.x[i]);
      const double e = s.y_error.empty() ? 0.0 : s.y_error[i];
      ys.push_back(s.y[i] - e);
      ys.push_back(s.y[i] + e);
    }
  }
  for (const auto& line : reference_lines_) ys.push_back(line.y);
  Axis x_axis = categories_.empty() ? fit_axis(xs, log_x_)
                                    : Axis{-0.5, std::max<double>(categories_.size(), 1) - 0.5, false};
  Axis y_axis = fit_axis(ys, log_y_);

  std::ostringstream svg;
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
      << "\" font-family=\"sans-serif\" font-size=\"12\">\n"
      << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      << "<text x=\"" << width / 2 << "\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">"
      << svg_escape(title_) << "</text>\n";
  // Axes, grid and ticks.
  svg << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << right - left << "\" height=\""
      << bottom - top << "\" fill=\"none\" stroke=\"#333\"/>\n";
  for (double tick : y_axis.ticks()) {
    const double y = y_axis.map(tick, bottom, top);
    svg << "<line x1=\"" << left << "\" x2=\"" << right << "\" y1=\"" << y << "\" y2=\"" << y
        << "\" stroke=\"#ddd\"/><text x=\"" << left - 6 << "\" y=\"" << y + 4
        << "\" text-anchor=\"end\">" << tick_label(tick) << "</text>\n";
  }
  if (categories_.empty()) {
    for (double tick : x_axis.ticks()) {
      const double x = x_axis.map(tick, left, right);
      svg << "<line x1=\"" << x << "\" x2=\"" << x << "\" y1=\"" << top << "\" y2=\"" << bottom
          << "\" stroke=\"#eee\"/><text x=\"" << x << "\" y=\"" << bottom + 16
          << "\" text-anchor=\"middle\">" << tick_label(tick) << "</text>\n";
    }
  } else {
    for (std::size_t i = 0; i < categories_.size(); ++i) {
      const double x = x_axis.map(static_cast<double>(i), left, right);
      svg << "<text transform=\"translate(" << x << "," << bottom + 12
          << ") rotate(30)\" text-anchor=\"start\">" << svg_escape(categories_[i]) << "</text>\n";
    }
  }
  svg << "<text x=\"" << (left + right) / 2 << "\" y=\"" << height - 8 << "\" text-anchor=\"middle\">"
      << svg_escape(x_label_) << "</text>\n"
      << "<text transform=\"translate(18," << (top + bottom) / 2
      << ") rotate(-90)\" text-anchor=\"middle\">" << svg_escape(y_label_) << "</text>\n";
  for (const auto& line : reference_lines_) {
    const double y = y_axis.map(line.y, bottom, top);
    svg << "<line x1=\"" << left << "\" x2=\"" << right << "\" y1=\"" << y << "\" y2=\"" << y
        << "\" stroke=\"#555\" stroke-dasharray=\"6,4\"/><text x=\"" << right - 4 << "\" y=\""
        << y - 4 << "\" text-anchor=\"end\">" << svg_escape(line.label) << "</text>\n";
  }
  // Series.
  for (std::size_t s = 0; s < series_.size(); ++s) {
    const ChartSeries& series = series_[s];
    const char* colour = kColours[s % (sizeof kColours / sizeof *kColours)];
    if (series.line && series.x.size() > 1) {
      svg << "<polyline fill=\"none\" stroke=\"" << colour << "\" stroke-width=\"1.5\""
          << (series.dashed ? " stroke-dasharray=\"5,4\"" : "") << " points=\"";
      for (std::size_t i = 0; i < series.x.size(); ++i)
        svg << x_axis.map(series.x[i], left, right) << ',' << y_axis.map(series.y[i], bottom, top) << ' ';
      svg << "\"/>\n";
    }
    for (std::size_t i = 0; i < series.x.size(); ++i) {
      const double x = x_axis.map(series.x[i], left, right), y = y_axis.map(series.y[i], bottom, top);
      if (!series.y_error.empty() && series.y_error[i] > 0) {
        const double y0 = y_axis.map(series.y[i] - series.y_error[i], bottom, top);
        const double y1 = y_axis.map(series.y[i] + series.y_error[i], bottom, top);
        svg << "<line x1=\"" << x << "\" x2=\"" << x << "\" y1=\"" << y0 << "\" y2=\"" << y1
            << "\" stroke=\"" << colour << "\"/>\n";
      }
      if (series.markers)
        svg << "<circle cx=\"" << x << "\" cy=\"" << y << "\" r=\"3.5\" fill=\"" << colour << "\"/>\n";
    }
    const double legend_y = top + 16 + 18 * static_cast<double>(s);
    svg << "<rect x=\"" << right + 12 << "\" y=\"" << legend_y - 9 << "\" width=\"10\" height=\"10\" fill=\""
        << colour << "\"/><text x=\"" << right + 28 << "\" y=\"" << legend_y << "\">"
        << svg_escape(series.name) << "</text>\n";
  }
  svg << "</svg>\n";
  return svg.str();
}

}  // namespace nslab
