#include "likelihoods/lens/mesh/delaunay.hpp"

#include <cfloat>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>

extern "C" {
#include <libqhull_r/qhull_ra.h>
}

namespace nslab {
namespace {

// scipy.spatial.Delaunay's find_simplex tolerance on barycentric coordinates.
constexpr double kInsideTolerance = 100 * DBL_EPSILON;

double cross(double ay, double ax, double by, double bx) { return ay * bx - ax * by; }

// Frees qhull's memory on every path out of the constructor.
struct QhullSession {
  qhT state;
  qhT* qh = &state;
  char message[4096] = {};
  FILE* errfile = nullptr;
  QhullSession() {
    errfile = fmemopen(message, sizeof(message) - 1, "w");
    qh_zero(qh, errfile);
  }
  ~QhullSession() {
    qh_freeqhull(qh, !qh_ALL);
    int current_long = 0, total_long = 0;
    qh_memfreeshort(qh, &current_long, &total_long);
    if (errfile != nullptr) std::fclose(errfile);
  }
  std::string text() {
    if (errfile != nullptr) std::fflush(errfile);
    return std::string(message);
  }
};

}  // namespace

DelaunayTriangulation::Storage DelaunayTriangulation::take_storage(ScratchArena& scratch,
                                                                   std::size_t vertices) {
  Storage storage;
  storage.triangle_vertices = scratch.take<int>(3 * max_triangles(vertices));
  storage.triangle_neighbors = scratch.take<int>(3 * max_triangles(vertices));
  storage.vertex_triangle = scratch.take<int>(vertices);
  storage.coordinates = scratch.take<double>(2 * vertices);
  storage.grid = VertexGrid::take_storage(scratch, vertices);
  return storage;
}

std::size_t DelaunayTriangulation::storage_bytes(std::size_t vertices) {
  return 2 * aligned_array_bytes<int>(3 * max_triangles(vertices)) +
         aligned_array_bytes<int>(vertices) + aligned_array_bytes<double>(2 * vertices) +
         VertexGrid::storage_bytes(vertices);
}

DelaunayTriangulation::DelaunayTriangulation(std::span<const double> y, std::span<const double> x,
                                             Storage storage)
    : y_(y), x_(x), storage_(storage) {
  const std::size_t n = y.size();
  if (x.size() != n) throw std::logic_error("DelaunayTriangulation: y and x differ in length");
  if (storage.triangle_vertices.size() < 3 * max_triangles(n) ||
      storage.triangle_neighbors.size() < 3 * max_triangles(n) ||
      storage.vertex_triangle.size() < n || storage.coordinates.size() < 2 * n)
    throw std::logic_error("DelaunayTriangulation: storage too small");
  if (n < 3) throw std::runtime_error("Delaunay triangulation needs at least 3 points");
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isfinite(y[i]) || !std::isfinite(x[i]))
      throw std::runtime_error("Delaunay triangulation of a non-finite point");
  grid_ = VertexGrid(y, x, storage.grid);

  // qhull wants interleaved, mutable coordinates; it lifts them to the
  // paraboloid in its own copy, so this one is only read.
  coordT* points = storage.coordinates.data();
  for (std::size_t i = 0; i < n; ++i) {
    points[2 * i] = y[i];
    points[2 * i + 1] = x[i];
  }
  // scipy.spatial.Delaunay's options (Qt is its required option).
  char command[] = "qhull d Qbb Qc Qz Q12 Qt";
  QhullSession session;
  qhT* qh = session.qh;
  const int exit_code =
      qh_new_qhull(qh, 2, static_cast<int>(n), points, False, command, nullptr, session.errfile);
  if (exit_code != 0)
    throw std::runtime_error("qhull Delaunay failed (" + std::to_string(exit_code) +
                             "): " + session.text());

  facetT* facet;
  std::size_t count = 0;
  FORALLfacets {
    if (facet->upperdelaunay) continue;
    if (!facet->simplicial) throw std::runtime_error("qhull returned a non-simplicial facet");
    facet->visitid = static_cast<unsigned>(count++);
  }
  if (count > max_triangles(n)) throw std::runtime_error("qhull returned too many triangles");
  triangles_ = count;
  for (std::size_t v = 0; v < n; ++v) storage_.vertex_triangle[v] = -1;

  FORALLfacets {
    if (facet->upperdelaunay) continue;
    const std::size_t t = facet->visitid;
    vertexT *vertex, **vertexp;
    int k = 0;
    FOREACHvertex_(facet->vertices) {
      const int id = qh_pointid(qh, vertex->point);
      if (id < 0 || static_cast<std::size_t>(id) >= n)
        throw std::runtime_error("qhull returned a vertex that is not an input point");
      storage_.triangle_vertices[3 * t + k] = id;
      storage_.vertex_triangle[id] = static_cast<int>(t);
      ++k;
    }
    // For a simplicial facet qhull stores neighbour k opposite vertex k.
    facetT *neighbor, **neighborp;
    k = 0;
    FOREACHneighbor_(facet) {
      storage_.triangle_neighbors[3 * t + k] =
          neighbor->upperdelaunay ? -1 : static_cast<int>(neighbor->visitid);
      ++k;
    }
  }
}

void DelaunayTriangulation::barycentric(std::size_t t, double y, double x, double out[3]) const {
  const int* v = triangle(t);
  const double ay = y_[v[0]], ax = x_[v[0]], by = y_[v[1]], bx = x_[v[1]], cy = y_[v[2]],
               cx = x_[v[2]];
  const double area = cross(by - ay, bx - ax, cy - ay, cx - ax);
  out[0] = cross(by - y, bx - x, cy - y, cx - x) / area;
  out[1] = cross(cy - y, cx - x, ay - y, ax - x) / area;
  out[2] = cross(ay - y, ax - x, by - y, bx - x) / area;
}

int DelaunayTriangulation::locate(double y, double x, int hint, int* last) const {
  if (triangles_ == 0) return -1;
  int t = (hint >= 0 && static_cast<std::size_t>(hint) < triangles_) ? hint : 0;
  // A directed (visibility) walk terminates on a Delaunay triangulation; the
  // cap only guards against degenerate triangles, where scipy too falls back
  // to a brute-force search.
  for (std::size_t step = 0; step <= triangles_ + 3; ++step) {
    double c[3];
    barycentric(t, y, x, c);
    int crossing = -1;
    for (int k = 0; k < 3; ++k) {
      if (!(c[k] >= -kInsideTolerance)) {
        crossing = k;
        break;
      }
    }
    if (crossing < 0) return t;
    const int next = neighbor(t, crossing);
    // Beyond a hull edge of a convex triangulation: the point is outside.
    if (next < 0) {
      if (last != nullptr) *last = t;
      return std::isfinite(c[crossing]) ? -1 : locate_by_brute_force(y, x);
    }
    t = next;
  }
  return locate_by_brute_force(y, x);
}

int DelaunayTriangulation::locate_by_brute_force(double y, double x) const {
  for (std::size_t t = 0; t < triangles_; ++t) {
    double c[3];
    barycentric(t, y, x, c);
    if (c[0] >= -kInsideTolerance && c[1] >= -kInsideTolerance && c[2] >= -kInsideTolerance)
      return static_cast<int>(t);
  }
  return -1;
}

// PyAutoArray's rule for a point outside the hull, by testing every point:
// the reference the grid's answer is tested against.
int DelaunayTriangulation::nearest_vertex_by_scan(double y, double x) const {
  int best = 0;
  double best_distance = INFINITY;
  for (std::size_t v = 0; v < y_.size(); ++v) {
    const double distance = squared_distance(y_[v] - y, x_[v] - x);
    if (distance < best_distance) best_distance = distance, best = static_cast<int>(v);
  }
  return best;
}

TriangleWeights DelaunayTriangulation::interpolation_weights(double y, double x, int& hint) const {
  TriangleWeights out{{-1, -1, -1}, {0.0, 0.0, 0.0}};
  int hull_triangle = -1;
  const int t = locate(y, x, hint, &hull_triangle);
  if (t < 0) {
    if (hull_triangle >= 0) hint = hull_triangle;
    out.index[0] = nearest_vertex(y, x);
    out.weight[0] = 1.0;
    return out;
  }
  hint = t;
  const int* v = triangle(t);
  const double p0y = y_[v[0]], p0x = x_[v[0]], p1y = y_[v[1]], p1x = x_[v[1]], p2y = y_[v[2]],
               p2x = x_[v[2]];
  // PyAutoArray's pixel_weights_delaunay_from: twice the areas of the
  // sub-triangles opposite each vertex, normalised by their sum.
  const double a0 = std::abs(cross(p2y - p1y, p2x - p1x, y - p1y, x - p1x));
  const double a1 = std::abs(cross(p2y - p0y, p2x - p0x, y - p0y, x - p0x));
  const double a2 = std::abs(cross(p1y - p0y, p1x - p0x, y - p0y, x - p0x));
  const double sum = a0 + a1 + a2;
  for (int k = 0; k < 3; ++k) out.index[k] = v[k];
  if (std::abs(sum) > 1e-12) {
    out.weight[0] = a0 / sum;
    out.weight[1] = a1 / sum;
    out.weight[2] = a2 / sum;
  }
  return out;
}

void DelaunayTriangulation::dual_areas(std::span<double> out) const {
  for (double& value : out.first(y_.size())) value = 0.0;
  for (std::size_t t = 0; t < triangles_; ++t) {
    const int* v = triangle(t);
    const double c = (y_[v[1]] - y_[v[0]]) * (x_[v[2]] - x_[v[0]]) -
                     (x_[v[1]] - x_[v[0]]) * (y_[v[2]] - y_[v[0]]);
    const double third = 0.5 * std::abs(c) / 3.0;
    for (int k = 0; k < 3; ++k) out[v[k]] += third;
  }
}

}  // namespace nslab
