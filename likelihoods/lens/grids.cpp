#include "likelihoods/lens/grids.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace nslab {

int OverSamplingRule::sub_size_at(double y, double x) const {
  // The radius as PyAutoArray's distances_to_coordinate_from forms it, and its
  // searchsorted(side="left") bin: the first radius >= r.
  const double r = std::sqrt(y * y + x * x);
  std::size_t bin = 0;
  while (bin < radii.size() && radii[bin] < r) ++bin;
  return sub_sizes[std::min(bin, sub_sizes.size() - 1)];
}

namespace {
// numpy.linspace(start, stop, count): start + i * step, the last one exactly stop.
std::vector<double> linspace(double start, double stop, int count) {
  std::vector<double> values(count);
  if (count == 1) {
    values[0] = start;
    return values;
  }
  const double step = (stop - start) / (count - 1);
  for (int i = 0; i < count; ++i) values[i] = i * step + start;
  values[count - 1] = stop;
  return values;
}
}  // namespace

SubPixelGrid make_sub_pixel_grid(const std::vector<MaskedPixel>& pixels, double pixel_scale,
                                 const OverSamplingRule& rule) {
  if (rule.sub_sizes.size() != rule.radii.size() + 1)
    throw std::logic_error("over-sampling rule needs one more sub-size than radii");
  SubPixelGrid grid;
  grid.begin.reserve(pixels.size() + 1);
  grid.begin.push_back(0);
  for (const MaskedPixel& pixel : pixels) {
    const int s = rule.sub_size_at(pixel.y, pixel.x);
    const double half = pixel_scale / 2.0, step = pixel_scale / s;
    const std::vector<double> y_offsets = linspace(half - step / 2.0, -half + step / 2.0, s);
    const std::vector<double> x_offsets = linspace(-half + step / 2.0, half - step / 2.0, s);
    for (int i = 0; i < s; ++i) {
      for (int j = 0; j < s; ++j) {
        grid.y.push_back(pixel.y + y_offsets[i]);
        grid.x.push_back(pixel.x + x_offsets[j]);
      }
    }
    grid.begin.push_back(static_cast<std::uint32_t>(grid.y.size()));
    grid.weight.push_back(1.0 / (static_cast<double>(s) * s));
  }
  return grid;
}

std::vector<MaskedPixel> make_blurring_pixels(const CircularMask& mask, int kernel_rows,
                                              int kernel_cols) {
  const int half_rows = kernel_rows / 2, half_cols = kernel_cols / 2;
  const int n = mask.grid_size;
  // Work on the canvas padded by the kernel's half-widths on every side.
  const int rows = n + 2 * half_rows, cols = n + 2 * half_cols;
  std::vector<char> masked(static_cast<std::size_t>(rows) * cols, 0), near(masked.size(), 0);
  for (const MaskedPixel& pixel : mask.pixels)
    masked[static_cast<std::size_t>(pixel.row + half_rows) * cols + pixel.col + half_cols] = 1;
  for (const MaskedPixel& pixel : mask.pixels) {
    for (int dr = -half_rows; dr <= half_rows; ++dr) {
      const std::size_t row = static_cast<std::size_t>(pixel.row + half_rows + dr);
      for (int dc = -half_cols; dc <= half_cols; ++dc)
        near[row * cols + pixel.col + half_cols + dc] = 1;
    }
  }
  std::vector<MaskedPixel> blurring;
  const double centre = 0.5 * (n - 1);
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) {
      const std::size_t i = static_cast<std::size_t>(r) * cols + c;
      if (!near[i] || masked[i]) continue;
      const int row = r - half_rows, col = c - half_cols;
      blurring.push_back({row, col, (centre - row) * mask.pixel_scale, (col - centre) * mask.pixel_scale});
    }
  }
  return blurring;
}

}  // namespace nslab
