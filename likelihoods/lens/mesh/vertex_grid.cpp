#include "likelihoods/lens/mesh/vertex_grid.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace nslab {

std::size_t VertexGrid::side(std::size_t points) {
  return std::max<std::size_t>(1, static_cast<std::size_t>(std::sqrt(static_cast<double>(points) / 2.0)));
}

VertexGrid::Storage VertexGrid::take_storage(ScratchArena& scratch, std::size_t points) {
  Storage storage;
  storage.cell_start = scratch.take<int>(cells(points) + 1);
  storage.points = scratch.take<int>(points);
  return storage;
}

std::size_t VertexGrid::storage_bytes(std::size_t points) {
  return aligned_array_bytes<int>(cells(points) + 1) + aligned_array_bytes<int>(points);
}

VertexGrid::VertexGrid(std::span<const double> y, std::span<const double> x, Storage storage)
    : y_(y), x_(x), storage_(storage) {
  const std::size_t n = y.size();
  if (x.size() != n || storage.cell_start.size() < cells(n) + 1 || storage.points.size() < n)
    throw std::logic_error("VertexGrid: storage too small");
  side_ = static_cast<int>(side(n));
  if (n == 0) return;
  const auto [ymin, ymax] = std::minmax_element(y.begin(), y.end());
  const auto [xmin, xmax] = std::minmax_element(x.begin(), x.end());
  y0_ = *ymin, x0_ = *xmin;
  const double height = *ymax - *ymin, width = *xmax - *xmin;
  // A flat extent (all points on one line) gets cells of the other's size.
  const double extent = std::max(height, width) > 0 ? std::max(height, width) : 1.0;
  cell_h_ = (height > 0 ? height : extent) / side_;
  cell_w_ = (width > 0 ? width : extent) / side_;
  slack_ = 1e-9 * (extent + std::abs(y0_) + std::abs(x0_));
  // A counting sort by cell, stable, so each cell lists its ids ascending.
  std::span<int> start = storage_.cell_start.first(cells(n) + 1);
  std::fill(start.begin(), start.end(), 0);
  for (std::size_t v = 0; v < n; ++v) ++start[1 + row_of(y[v]) * side_ + col_of(x[v])];
  for (std::size_t c = 1; c < start.size(); ++c) start[c] += start[c - 1];
  for (std::size_t v = 0; v < n; ++v) storage_.points[start[row_of(y[v]) * side_ + col_of(x[v])]++] = static_cast<int>(v);
  // The fill moved each start to its cell's end, which is the next cell's start.
  for (std::size_t c = start.size() - 1; c > 0; --c) start[c] = start[c - 1];
  start[0] = 0;
}

int VertexGrid::row_of(double y) const {
  const double r = std::floor((y - y0_) / cell_h_);
  return static_cast<int>(std::clamp(r, 0.0, static_cast<double>(side_ - 1)));
}

int VertexGrid::col_of(double x) const {
  const double c = std::floor((x - x0_) / cell_w_);
  return static_cast<int>(std::clamp(c, 0.0, static_cast<double>(side_ - 1)));
}

int VertexGrid::nearest(double y, double x) const {
  // The scan's answer where every distance is NaN or +inf.
  if (y_.empty() || !std::isfinite(y) || !std::isfinite(x)) return 0;
  const int ci = row_of(y), cj = col_of(x);
  const int rings = std::max({ci, side_ - 1 - ci, cj, side_ - 1 - cj});
  int best = -1;
  double best_distance = std::numeric_limits<double>::infinity();
  auto visit = [&](int i, int j) {
    const int cell = i * side_ + j;
    for (int k = storage_.cell_start[cell]; k < storage_.cell_start[cell + 1]; ++k) {
      const int v = storage_.points[k];
      const double d = squared_distance(y_[v] - y, x_[v] - x);
      if (d < best_distance || (d == best_distance && v < best)) best_distance = d, best = v;
    }
  };
  for (int r = 0; r <= rings; ++r) {
    const int i0 = ci - r, i1 = ci + r, j0 = cj - r, j1 = cj + r;
    for (int j = std::max(j0, 0); j <= std::min(j1, side_ - 1); ++j) {
      if (i0 >= 0) visit(i0, j);
      if (i1 < side_ && r > 0) visit(i1, j);
    }
    for (int i = std::max(i0 + 1, 0); i <= std::min(i1 - 1, side_ - 1); ++i) {
      if (j0 >= 0) visit(i, j0);
      if (j1 < side_ && r > 0) visit(i, j1);
    }
    if (best >= 0 && unvisited_distance_squared(y, x, std::max(i0, 0), std::min(i1, side_ - 1), std::max(j0, 0),
                                                std::min(j1, side_ - 1)) > best_distance * (1 + 1e-9))
      break;
  }
  return best;
}

double VertexGrid::unvisited_distance_squared(double y, double x, int i0, int i1, int j0, int j1) const {
  // The cells not yet visited lie in four strips of the box: rows below i0
  // or above i1 (all columns), columns left of j0 or right of j1 (all rows).
  // The distance to a strip is at least its gap along one axis and the
  // query's distance to the box along the other; a point's cell may be off
  // by the rounding of its coordinates, which the slack covers.
  const double box_y1 = y0_ + side_ * cell_h_, box_x1 = x0_ + side_ * cell_w_;
  auto gap = [&](double d) { return std::max(0.0, d - slack_); };
  const double out_y = gap(std::max({y0_ - y, y - box_y1, 0.0})), out_x = gap(std::max({x0_ - x, x - box_x1, 0.0}));
  double nearest = std::numeric_limits<double>::infinity();
  auto strip = [&](double along, double across) { nearest = std::min(nearest, along * along + across * across); };
  if (i0 > 0) strip(gap(y - (y0_ + i0 * cell_h_)), out_x);
  if (i1 < side_ - 1) strip(gap(y0_ + (i1 + 1) * cell_h_ - y), out_x);
  if (j0 > 0) strip(gap(x - (x0_ + j0 * cell_w_)), out_y);
  if (j1 < side_ - 1) strip(gap(x0_ + (j1 + 1) * cell_w_ - x), out_y);
  return nearest;  // +inf once every cell is visited
}

}  // namespace nslab
