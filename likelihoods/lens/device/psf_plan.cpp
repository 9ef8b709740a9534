#include "likelihoods/lens/device/psf_plan.hpp"

#include <algorithm>
#include <cmath>

namespace nslab {

PsfPlan::PsfPlan(const Image2D& kernel, const std::vector<MaskedPixel>& mask,
                 const std::vector<MaskedPixel>& blurring, bool separable_kernel,
                 std::vector<double> scale)
    : separable(separable_kernel), output_scale(std::move(scale)) {
  const int hr = kernel.rows / 2, hc = kernel.cols / 2;
  int row0 = 0, row1 = 0, col0 = 0, col1 = 0;
  bool first = true;
  auto extend = [&](const MaskedPixel& p, int pad_r, int pad_c) {
    if (first) {
      row0 = p.row - pad_r, row1 = p.row + pad_r, col0 = p.col - pad_c, col1 = p.col + pad_c;
      first = false;
    }
    row0 = std::min(row0, p.row - pad_r), row1 = std::max(row1, p.row + pad_r);
    col0 = std::min(col0, p.col - pad_c), col1 = std::max(col1, p.col + pad_c);
  };
  for (const auto& p : mask) extend(p, hr, hc);
  for (const auto& p : blurring) extend(p, 0, 0);
  const int box_cols = col1 - col0 + 1;
  canvas.assign(static_cast<std::size_t>(row1 - row0 + 1) * box_cols, -1);
  auto box_index = [&](int row, int col) {
    return static_cast<std::size_t>(row - row0) * box_cols + (col - col0);
  };
  for (std::size_t i = 0; i < mask.size(); ++i)
    canvas[box_index(mask[i].row, mask[i].col)] = static_cast<std::int32_t>(i);
  for (std::size_t i = 0; i < blurring.size(); ++i)
    canvas[box_index(blurring[i].row, blurring[i].col)] = static_cast<std::int32_t>(mask.size() + i);
  int mask_row0 = row1, mask_row1 = row0, mask_col0 = col1, mask_col1 = col0;
  for (const auto& p : mask) {
    mask_row0 = std::min(mask_row0, p.row), mask_row1 = std::max(mask_row1, p.row);
    mask_col0 = std::min(mask_col0, p.col), mask_col1 = std::max(mask_col1, p.col);
  }
  PsfGeometry& g = geometry;
  g.box_row0 = row0, g.box_col0 = col0, g.box_cols = box_cols;
  g.kernel_rows = kernel.rows, g.kernel_cols = kernel.cols;
  g.pass_row0 = mask_row0 - hr, g.pass_rows = mask_row1 - mask_row0 + 1 + 2 * hr;
  g.pass_col0 = mask_col0, g.pass_cols = mask_col1 - mask_col0 + 1;
  g.masked = static_cast<int>(mask.size());

  origin.resize(mask.size());
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
    for (std::size_t i = 0; i < mask.size(); ++i)
      origin[i] = static_cast<std::int32_t>((mask[i].row - mask_row0) * g.pass_cols + (mask[i].col - mask_col0));
  } else {
    for (int a = 0; a < kernel.rows; ++a)
      for (int b = 0; b < kernel.cols; ++b)
        weights_a.push_back(kernel.at(kernel.rows - 1 - a, kernel.cols - 1 - b));
    weights_b.push_back(0.0);
    for (std::size_t i = 0; i < mask.size(); ++i)
      origin[i] = static_cast<std::int32_t>(box_index(mask[i].row - hr, mask[i].col - hc));
  }
  point_at_host_arrays();
}

void PsfPlan::point_at_host_arrays() {
  geometry.canvas = canvas.data(), geometry.origin = origin.data();
  geometry.weights_a = weights_a.data(), geometry.weights_b = weights_b.data();
  geometry.output_scale = output_scale.empty() ? nullptr : output_scale.data();
}

}  // namespace nslab
