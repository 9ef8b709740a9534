#include "likelihoods/lens/mesh/hilbert_image_mesh.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <stdexcept>

#include "likelihoods/lens/mesh/delaunay.hpp"

namespace nslab {
namespace {

int sign_of(int v) { return v < 0 ? -1 : (v > 0 ? 1 : 0); }

// Port of the gilbert2d generator (Jakub Cerveny's generalized Hilbert
// curve) that PyAutoArray uses; the cell order is what matters.
void generate(int x, int y, int ax, int ay, int bx, int by, std::vector<std::pair<int, int>>& out) {
  const int w = std::abs(ax + ay), h = std::abs(bx + by);
  const int dax = sign_of(ax), day = sign_of(ay), dbx = sign_of(bx), dby = sign_of(by);
  if (h == 1) {
    for (int i = 0; i < w; ++i) {
      out.emplace_back(x, y);
      x += dax;
      y += day;
    }
    return;
  }
  if (w == 1) {
    for (int i = 0; i < h; ++i) {
      out.emplace_back(x, y);
      x += dbx;
      y += dby;
    }
    return;
  }
  // Python's // floors; C++'s / truncates.
  auto floor_half = [](int v) { return v >= 0 ? v / 2 : -((-v + 1) / 2); };
  int ax2 = floor_half(ax), ay2 = floor_half(ay), bx2 = floor_half(bx), by2 = floor_half(by);
  const int w2 = std::abs(ax2 + ay2), h2 = std::abs(bx2 + by2);
  if (2 * w > 3 * h) {
    if ((w2 % 2) != 0 && w > 2) {
      ax2 += dax;
      ay2 += day;
    }
    generate(x, y, ax2, ay2, bx, by, out);
    generate(x + ax2, y + ay2, ax - ax2, ay - ay2, bx, by, out);
  } else {
    if ((h2 % 2) != 0 && h > 2) {
      bx2 += dbx;
      by2 += dby;
    }
    generate(x, y, bx2, by2, ax2, ay2, out);
    generate(x + bx2, y + by2, ax, ay, bx - bx2, by - by2, out);
    generate(x + (ax - dax) + (bx2 - dbx), y + (ay - day) + (by2 - dby), -bx2, -by2, -(ax - ax2),
             -(ay - ay2), out);
  }
}

}  // namespace

std::vector<std::pair<int, int>> gilbert_curve(int width, int height) {
  std::vector<std::pair<int, int>> out;
  out.reserve(static_cast<std::size_t>(width) * height);
  if (width >= height)
    generate(0, 0, width, 0, 0, height, out);
  else
    generate(0, 0, 0, height, width, 0, out);
  return out;
}

double mask_circular_radius(const CircularMask& mask) {
  if (mask.pixels.empty()) throw std::invalid_argument("empty mask has no circular radius");
  int row_min = mask.pixels[0].row, row_max = row_min, col_min = mask.pixels[0].col,
      col_max = col_min;
  for (const auto& p : mask.pixels) {
    row_min = std::min(row_min, p.row);
    row_max = std::max(row_max, p.row);
    col_min = std::min(col_min, p.col);
    col_max = std::max(col_max, p.col);
  }
  const int diameter = std::max(row_max - row_min + 1, col_max - col_min + 1);
  return diameter * mask.pixel_scale / 2.0;
}

std::vector<MeshVertex> hilbert_image_mesh(const CircularMask& mask,
                                           std::span<const double> adapt_image, int pixels,
                                           double weight_power, double weight_floor,
                                           int hilbert_length) {
  if (adapt_image.size() != mask.pixels.size())
    throw std::invalid_argument("hilbert_image_mesh: adapt image has " +
                                std::to_string(adapt_image.size()) + " values for " +
                                std::to_string(mask.pixels.size()) + " masked pixels");
  if (pixels < 2) throw std::invalid_argument("hilbert_image_mesh needs at least 2 pixels");
  const int n = mask.grid_size;
  const double ps = mask.pixel_scale;

  // The adapt image on the full native grid (zero outside the mask) and that
  // grid's pixel centres, row-major, as Grid2D.uniform lays them out.
  std::vector<double> native(static_cast<std::size_t>(n) * n, 0.0);
  for (std::size_t k = 0; k < mask.pixels.size(); ++k)
    native[static_cast<std::size_t>(mask.pixels[k].row) * n + mask.pixels[k].col] = adapt_image[k];
  std::vector<double> grid_y(native.size()), grid_x(native.size());
  const double centre = (n - 1) / 2.0;
  for (int row = 0; row < n; ++row)
    for (int col = 0; col < n; ++col) {
      grid_y[static_cast<std::size_t>(row) * n + col] = ((row - centre) * -1.0) * ps;
      grid_x[static_cast<std::size_t>(row) * n + col] = (col - centre) * ps;
    }

  const double radius = mask_circular_radius(mask);
  std::vector<double> curve_y, curve_x;
  for (const auto& [cx, cy] : gilbert_curve(hilbert_length, hilbert_length)) {
    const double x = (static_cast<double>(cx) / hilbert_length - 0.5) * (2.0 * radius);
    const double y = (static_cast<double>(cy) / hilbert_length - 0.5) * (2.0 * radius);
    if (std::sqrt(y * y + x * x) <= radius) {
      curve_y.push_back(y);
      curve_x.push_back(x);
    }
  }
  const std::size_t m = curve_y.size();
  if (m < 2) throw std::runtime_error("hilbert_image_mesh: fewer than 2 curve cells in the mask");

  // scipy.interpolate.griddata(method="linear", fill_value=0).
  DelaunayHeapStorage storage(native.size());
  const DelaunayTriangulation triangulation(grid_y, grid_x, storage.view());
  std::vector<double> curve_value(m);
  int hint = 0;
  for (std::size_t k = 0; k < m; ++k) {
    const int t = triangulation.locate(curve_y[k], curve_x[k], hint);
    if (t < 0) {
      curve_value[k] = 0.0;
      continue;
    }
    hint = t;
    double c[3];
    triangulation.barycentric(t, curve_y[k], curve_x[k], c);
    const int* v = triangulation.triangle(t);
    curve_value[k] = c[0] * native[v[0]] + c[1] * native[v[1]] + c[2] * native[v[2]];
  }

  // Weight map, normalised, and its cumulative sum with cdf[0] = 0.
  const double max_value = *std::max_element(curve_value.begin(), curve_value.end());
  std::vector<double> cdf(m);
  for (std::size_t k = 0; k < m; ++k) {
    double w = 1.0;
    if (max_value > 0.0) {
      w = std::pow(std::abs(curve_value[k]) / max_value, weight_power);
      if (w < weight_floor) w = weight_floor;
    }
    cdf[k] = w;
  }
  const double total = numpy_pairwise_sum(cdf);
  double running = 0.0;
  for (std::size_t k = 0; k < m; ++k) {
    running += cdf[k] / total;
    cdf[k] = running;
  }
  cdf[0] = 0.0;

  std::vector<double> index(m);
  for (std::size_t k = 0; k < m; ++k) index[k] = static_cast<double>(k);
  std::vector<MeshVertex> vertices(static_cast<std::size_t>(pixels));
  const double stop = 0.99999999;
  const double step = stop / (pixels - 1);
  for (int s = 0; s < pixels; ++s) {
    const double p = s == pixels - 1 ? stop : s * step;  // np.linspace
    const double id = numpy_interp(p, cdf, index);
    vertices[s].x = numpy_interp(id, index, curve_x);
    vertices[s].y = numpy_interp(id, index, curve_y);
  }
  return vertices;
}

}  // namespace nslab
