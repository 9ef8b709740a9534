#pragma once
// A 2-D Delaunay triangulation computed by qhull exactly as
// scipy.spatial.Delaunay computes it ("qhull d Qbb Qc Qz Q12 Qt"), with the
// point location and interpolation weights PyAutoArray's Delaunay mapper uses:
//   - a point inside a triangle (barycentric coordinates >= -100 eps, scipy's
//     find_simplex tolerance) gets its three vertices with weights
//     |area(opposite sub-triangle)| / sum of the three, and all-zero weights
//     when that sum is <= 1e-12 (PyAutoArray's degenerate rule);
//   - a point outside the hull gets its nearest vertex with weight 1.
// Coordinates are passed in PyAutoArray's (y, x) order: the triangulation is
// the same either way, and keeping the order keeps the vertex ids identical.
//
// All storage is caller-provided spans so an evaluation can take it from its
// ScratchArena; qhull's own working memory is malloc'd inside qhull and
// released before triangulate() returns (it is not part of bytes_per_replica).
#include <cstddef>
#include <span>
#include <vector>

#include "core/workspace.hpp"
#include "likelihoods/lens/mesh/vertex_grid.hpp"

namespace nslab {

// Up to three mesh vertices per point, with -1 in unused index slots (the
// `mappings` rows of PyAutoArray's Delaunay interpolator).
struct TriangleWeights {
  int index[3];
  double weight[3];
};

class DelaunayTriangulation {
 public:
  // A planar triangulation of n points has at most 2n - 5 triangles.
  static std::size_t max_triangles(std::size_t vertices) { return 2 * vertices; }

  // Storage the triangulation lives in: 3 ints per triangle for vertices and
  // for neighbours, one int per vertex for a triangle containing it.
  struct Storage {
    std::span<int> triangle_vertices;   // 3 * max_triangles(n)
    std::span<int> triangle_neighbors;  // 3 * max_triangles(n)
    std::span<int> vertex_triangle;     // n
    std::span<double> coordinates;      // 2n: the interleaved copy qhull reads
    VertexGrid::Storage grid;           // the points bucketed for nearest_vertex
  };
  // Storage for n vertices taken from an evaluation's arena, and the exact
  // bytes that takes (for bytes_per_replica).
  static Storage take_storage(ScratchArena& scratch, std::size_t vertices);
  static std::size_t storage_bytes(std::size_t vertices);

  // Triangulates the n points (y[i], x[i]). Throws std::runtime_error with
  // qhull's message if qhull fails (e.g. all points collinear).
  DelaunayTriangulation(std::span<const double> y, std::span<const double> x, Storage storage);

  std::size_t vertex_count() const { return y_.size(); }
  std::size_t triangle_count() const { return triangles_; }
  const int* triangle(std::size_t t) const { return &storage_.triangle_vertices[3 * t]; }
  // Neighbour k of triangle t is opposite its vertex k; -1 on the hull.
  int neighbor(std::size_t t, int k) const { return storage_.triangle_neighbors[3 * t + k]; }
  // A triangle having vertex v, or -1 for a point that is not a vertex
  // (qhull's "coplanar" points, e.g. duplicates).
  int vertex_triangle(std::size_t v) const { return storage_.vertex_triangle[v]; }
  double vertex_y(std::size_t v) const { return y_[v]; }
  double vertex_x(std::size_t v) const { return x_[v]; }

  // The triangle containing (y, x) within scipy's tolerance, or -1 when the
  // point is outside the hull. `hint` is a triangle to start the walk from
  // (e.g. the previous answer); any value is allowed.
  // `last`, when given, is set to the hull triangle the walk left by when the
  // point is outside (the next nearby outside point's best start).
  int locate(double y, double x, int hint = 0, int* last = nullptr) const;
  // The same answer by testing every triangle (the walk's fallback; tests).
  int locate_by_brute_force(double y, double x) const;

  // Barycentric coordinates of (y, x) in triangle t (sum to 1).
  void barycentric(std::size_t t, double y, double x, double out[3]) const;

  // The vertex nearest to (y, x) (the lowest id among exact ties), by the
  // grid of the points; nearest_vertex_by_scan tests every point (tests).
  int nearest_vertex(double y, double x) const { return grid_.nearest(y, x); }
  int nearest_vertex_by_scan(double y, double x) const;

  // PyAutoArray's interpolation of one point (see the file comment); `hint`
  // is updated to the triangle found, or for a point outside the hull to the
  // hull triangle the walk left by, so consecutive nearby points walk less
  // (the traced grid of a lens whose Einstein radius exceeds the mask puts
  // most points outside: from the last inside triangle each walked ~110
  // triangles, from the hull ~8).
  TriangleWeights interpolation_weights(double y, double x, int& hint) const;

  // Barycentric dual area of every vertex: a third of the area of each
  // triangle it belongs to (PyAutoArray's barycentric_dual_area_from).
  void dual_areas(std::span<double> out) const;

 private:
  std::span<const double> y_, x_;
  Storage storage_;
  VertexGrid grid_;
  std::size_t triangles_ = 0;
};

// Heap storage for a triangulation built once per dataset (outside any
// evaluation), e.g. the image-plane grid the Hilbert image mesh interpolates.
struct DelaunayHeapStorage {
  explicit DelaunayHeapStorage(std::size_t vertices)
      : triangle_vertices(3 * DelaunayTriangulation::max_triangles(vertices)),
        triangle_neighbors(3 * DelaunayTriangulation::max_triangles(vertices)),
        vertex_triangle(vertices),
        grid_cell_start(VertexGrid::cells(vertices) + 1),
        grid_points(vertices),
        coordinates(2 * vertices) {}  // in declaration order
  DelaunayTriangulation::Storage view() {
    return {triangle_vertices, triangle_neighbors, vertex_triangle, coordinates, {grid_cell_start, grid_points}};
  }
  std::vector<int> triangle_vertices, triangle_neighbors, vertex_triangle, grid_cell_start, grid_points;
  std::vector<double> coordinates;
};

}  // namespace nslab
