#pragma once
// A horizontal dot plot: one row per labelled group of runs, values along x
// (optionally log), error bars, colour by series (the sampler), marker shape
// by a second key (the device), anchors ringed, unfinished runs hollow. Row
// labels sit left of the plot in a margin sized to the longest one, so no
// label is ever cut or rotated.
#include <optional>
#include <string>
#include <vector>

namespace nslab {

struct DotPoint {
  double value = 0;
  double error = 0;        // 0: no error bar
  bool hollow = false;     // a run that did not finish
  bool ringed = false;     // an anchor (PyAutoLens's own result)
};

struct DotRow {
  std::string label;
  std::string series;      // colour
  std::string marker;      // shape
  std::vector<DotPoint> points;
};

struct DotPlot {
  std::string title, x_label;
  bool log_x = false;
  std::vector<DotRow> rows;
  std::optional<double> reference;  // a vertical dashed line (a closed form)
  std::string reference_label;
  std::vector<std::string> footnotes;
};

std::string render_dot_plot_svg(const DotPlot& plot);

}  // namespace nslab
