#pragma once
// A small SVG chart: numeric or categorical x, linear or log axes, series of
// points with optional error bars, drawn as markers and/or lines. Enough for
// the harness's three plots without a plotting dependency.
#include <optional>
#include <string>
#include <vector>

namespace nslab {

struct ChartSeries {
  std::string name;
  std::vector<double> x, y;
  std::vector<double> y_error;  // empty, or one per point
  bool markers = true;
  bool line = false;
  bool dashed = false;
};

class SvgChart {
 public:
  SvgChart(std::string title, std::string x_label, std::string y_label)
      : title_(std::move(title)), x_label_(std::move(x_label)), y_label_(std::move(y_label)) {}
  void set_log_x(bool log) { log_x_ = log; }
  void set_log_y(bool log) { log_y_ = log; }
  // Category labels for x = 0, 1, 2, ...
  void set_categories(std::vector<std::string> labels) { categories_ = std::move(labels); }
  void add_series(ChartSeries series) { series_.push_back(std::move(series)); }
  void add_horizontal_line(double y, std::string label) { reference_lines_.push_back({y, std::move(label)}); }
  std::string render(int width = 760, int height = 460) const;

 private:
  struct ReferenceLine {
    double y;
    std::string label;
  };
  std::string title_, x_label_, y_label_;
  bool log_x_ = false, log_y_ = false;
  std::vector<std::string> categories_;
  std::vector<ChartSeries> series_;
  std::vector<ReferenceLine> reference_lines_;
};

}  // namespace nslab
