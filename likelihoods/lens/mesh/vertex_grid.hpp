#pragma once
// The points of a Delaunay source mesh bucketed on a uniform grid over their
// bounding box, for the nearest point of a traced point outside the hull
// (PyAutoArray's rule there). At sampler points whose Einstein radius
// exceeds the mask most traced points are outside, and a scan of all 1,500
// points for each took 10-12 ms of a 160 ms HST evaluation; the grid looks at
// the cells around the query, ring by ring, until no unvisited cell can hold
// a point nearer than the best found.
//
// The answer is the scan's exactly: the same squared distance (one fused
// multiply-add, `squared_distance`), the lowest id among exact ties.
#include <cmath>
#include <cstddef>
#include <span>

#include "core/workspace.hpp"

namespace nslab {

// The squared distance of (dy, dx), rounded the same way by every path: one
// explicit fused multiply-add, whatever the compiler would contract.
inline double squared_distance(double dy, double dx) { return std::fma(dy, dy, dx * dx); }

class VertexGrid {
 public:
  struct Storage {
    std::span<int> cell_start;  // cells(n) + 1
    std::span<int> points;      // n: point ids, cell by cell, ascending in each
  };
  // About two points a cell.
  static std::size_t side(std::size_t points);
  static std::size_t cells(std::size_t points) { return side(points) * side(points); }
  static Storage take_storage(ScratchArena& scratch, std::size_t points);
  static std::size_t storage_bytes(std::size_t points);

  VertexGrid() = default;
  VertexGrid(std::span<const double> y, std::span<const double> x, Storage storage);

  // argmin over points v of squared_distance(y_v - y, x_v - x), the lowest
  // id among ties; 0 when there are no points.
  int nearest(double y, double x) const;

 private:
  int row_of(double y) const;
  int col_of(double x) const;
  // A lower bound on the squared distance from (y, x) to any cell outside
  // rows [i0, i1] x columns [j0, j1], +inf when there is none.
  double unvisited_distance_squared(double y, double x, int i0, int i1, int j0, int j1) const;

  std::span<const double> y_, x_;
  Storage storage_;
  int side_ = 0;
  double y0_ = 0, x0_ = 0, cell_h_ = 1, cell_w_ = 1;
  double slack_ = 0;  // covers the rounding of a point's cell
};

}  // namespace nslab
