#include "likelihoods/lens/device/psf_plan.hpp"

#include <algorithm>
#include <cmath>

namespace nslab {

PsfPlan::PsfPlan(const PsfConvolver& convolver, const Image2D& kernel, std::vector<double> scale)
    : separable(convolver.separable()), output_scale(std::move(scale)) {
  const int hr = kernel.rows / 2, hc = kernel.cols / 2;
  const std::vector<PsfConvolver::CanvasCell>& cells = convolver.input_cells();
  const std::size_t masked = convolver.mask_pixels();
  const int box_cols = static_cast<int>(convolver.canvas_cols());
  canvas.assign(convolver.canvas_size(), -1);
  for (std::size_t i = 0; i < cells.size(); ++i) canvas[cells[i].index] = static_cast<std::int32_t>(i);
  int mask_row0 = cells[0].row, mask_row1 = cells[0].row, mask_col0 = cells[0].col, mask_col1 = cells[0].col;
  for (std::size_t i = 0; i < masked; ++i) {
    mask_row0 = std::min(mask_row0, cells[i].row), mask_row1 = std::max(mask_row1, cells[i].row);
    mask_col0 = std::min(mask_col0, cells[i].col), mask_col1 = std::max(mask_col1, cells[i].col);
  }
  PsfGeometry& g = geometry;  // rows and columns relative to the convolver's box
  g.box_row0 = 0, g.box_col0 = 0, g.box_cols = box_cols;
  g.kernel_rows = kernel.rows, g.kernel_cols = kernel.cols;
  g.pass_row0 = mask_row0 - hr, g.pass_rows = mask_row1 - mask_row0 + 1 + 2 * hr;
  g.pass_col0 = mask_col0, g.pass_cols = mask_col1 - mask_col0 + 1;
  g.masked = static_cast<int>(masked);

  origin.resize(masked);
  if (separable) {
    int peak_row = 0, peak_col = 0;
    for (int a = 0; a < kernel.rows; ++a)
      for (int b = 0; b < kernel.cols; ++b)
        if (std::abs(kernel.at(a, b)) > std::abs(kernel.at(peak_row, peak_col))) peak_row = a, peak_col = b;
    const double peak = kernel.at(peak_row, peak_col), root = std::sqrt(std::abs(peak));
    for (int a = 0; a < kernel.rows; ++a)  // flipped: fy[a] = u[rows - 1 - a]
      weights_a.push_back(kernel.at(kernel.rows - 1 - a, peak_col) / root);
    for (int b = 0; b < kernel.cols; ++b)
      weights_b.push_back(kernel.at(peak_row, kernel.cols - 1 - b) * root / peak);
    for (std::size_t i = 0; i < masked; ++i)
      origin[i] = static_cast<std::int32_t>((cells[i].row - mask_row0) * g.pass_cols + (cells[i].col - mask_col0));
  } else {
    for (int a = 0; a < kernel.rows; ++a)
      for (int b = 0; b < kernel.cols; ++b)
        weights_a.push_back(kernel.at(kernel.rows - 1 - a, kernel.cols - 1 - b));
    weights_b.push_back(0.0);
    for (std::size_t i = 0; i < masked; ++i)
      origin[i] = (cells[i].row - hr) * box_cols + (cells[i].col - hc);
  }
  point_at_host_arrays();
}

void PsfPlan::point_at_host_arrays() {
  geometry.canvas = canvas.data(), geometry.origin = origin.data();
  geometry.weights_a = weights_a.data(), geometry.weights_b = weights_b.data();
  geometry.output_scale = output_scale.empty() ? nullptr : output_scale.data();
}

}  // namespace nslab
