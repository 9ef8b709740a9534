#include "likelihoods/lens/mesh/vertex_grid.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace nslab {
namespace {

int nearest_by_scan(const std::vector<double>& y, const std::vector<double>& x, double qy, double qx) {
  int best = 0;
  double best_distance = INFINITY;
  for (std::size_t v = 0; v < y.size(); ++v) {
    const double d = squared_distance(y[v] - qy, x[v] - qx);
    if (d < best_distance) best_distance = d, best = static_cast<int>(v);
  }
  return best;
}

struct Grid {
  explicit Grid(std::vector<double> y_, std::vector<double> x_)
      : y(std::move(y_)), x(std::move(x_)), cell_start(VertexGrid::cells(y.size()) + 1), points(y.size()),
        grid(y, x, {cell_start, points}) {}
  std::vector<double> y, x;
  std::vector<int> cell_start, points;
  VertexGrid grid;
};

// Degenerate sets the Delaunay meshes never hand it but the grid must still
// answer as the scan: points on one line (a flat box), all points equal
// (every query a tie of all), a single point, duplicates, and random points;
// queries near and far outside the points' box.
TEST(VertexGrid, DegenerateSetsGiveTheScansAnswer) {
  std::vector<std::pair<std::vector<double>, std::vector<double>>> sets;
  std::vector<double> line_y(50, 2.0), line_x(50);
  for (int i = 0; i < 50; ++i) line_x[i] = 0.1 * ((i * 17) % 50);
  sets.push_back({line_y, line_x});
  sets.push_back({line_x, line_y});
  sets.push_back({std::vector<double>(30, 1.0), std::vector<double>(30, -1.0)});
  sets.push_back({{0.5}, {0.25}});
  sets.push_back({{0, 1, 0, 1, 0}, {0, 1, 0, 1, 1}});
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal;
  std::vector<double> ry(1500), rx(1500);
  for (std::size_t i = 0; i < ry.size(); ++i) ry[i] = 2.0 + normal(rng), rx[i] = 1.0 + 0.3 * normal(rng);
  sets.push_back({ry, rx});
  std::uniform_real_distribution<double> u(-4.0, 8.0);
  for (std::size_t s = 0; s < sets.size(); ++s) {
    const Grid g(sets[s].first, sets[s].second);
    for (int q = 0; q < 400; ++q) {
      double y = u(rng), x = u(rng);
      if (q % 4 == 0) y = std::round(y), x = std::round(x);
      if (q % 4 == 1) y *= 100.0, x *= -37.0;  // far outside the points' box
      ASSERT_EQ(g.grid.nearest(y, x), nearest_by_scan(g.y, g.x, y, x)) << "set " << s << " query (" << y << ", " << x << ")";
    }
    EXPECT_EQ(g.grid.nearest(NAN, 0.0), 0);
    EXPECT_EQ(g.grid.nearest(0.0, INFINITY), 0);
  }
}

TEST(VertexGrid, EveryPointIsInExactlyOneCell) {
  std::mt19937_64 rng(3);
  std::normal_distribution<double> normal;
  std::vector<double> y(1500), x(1500);
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = normal(rng), x[i] = 3.0 * normal(rng);
  const Grid g(y, x);
  std::vector<int> seen(y.size(), 0);
  for (int p : g.points) ++seen[p];
  for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], 1) << "point " << i;
  EXPECT_EQ(g.cell_start.front(), 0);
  EXPECT_EQ(g.cell_start.back(), static_cast<int>(y.size()));
  for (std::size_t c = 0; c + 1 < g.cell_start.size(); ++c) {
    EXPECT_LE(g.cell_start[c], g.cell_start[c + 1]);
    for (int k = g.cell_start[c]; k + 1 < g.cell_start[c + 1]; ++k) EXPECT_LT(g.points[k], g.points[k + 1]);
  }
}

}  // namespace
}  // namespace nslab
