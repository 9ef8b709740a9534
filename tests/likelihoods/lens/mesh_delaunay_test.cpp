#include "likelihoods/lens/mesh/delaunay.hpp"

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <random>
#include <set>

#include "likelihoods/lens/mesh/constant_split.hpp"
#include "support/mesh_reference.hpp"

namespace nslab {
namespace {

struct Points {
  std::vector<double> y, x;
};

Points random_disc(std::size_t n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  Points p;
  while (p.y.size() < n) {
    const double y = u(rng), x = u(rng);
    if (y * y + x * x < 1.0) {
      p.y.push_back(y);
      p.x.push_back(x);
    }
  }
  return p;
}

TEST(MeshDelaunay, TrianglesHaveEmptyCircumcircles) {
  const Points p = random_disc(300, 1);
  DelaunayHeapStorage storage(p.y.size());
  const DelaunayTriangulation tri(p.y, p.x, storage.view());
  // Euler: a triangulation of n points with h on the hull has 2n - 2 - h triangles.
  std::set<int> hull;
  for (std::size_t t = 0; t < tri.triangle_count(); ++t)
    for (int k = 0; k < 3; ++k)
      if (tri.neighbor(t, k) < 0) {
        hull.insert(tri.triangle(t)[(k + 1) % 3]);
        hull.insert(tri.triangle(t)[(k + 2) % 3]);
      }
  EXPECT_EQ(tri.triangle_count(), 2 * p.y.size() - 2 - hull.size());
  // The defining property: no point strictly inside any triangle's circumcircle.
  for (std::size_t t = 0; t < tri.triangle_count(); ++t) {
    const int* v = tri.triangle(t);
    const double ay = p.y[v[0]], ax = p.x[v[0]], by = p.y[v[1]], bx = p.x[v[1]], cy = p.y[v[2]],
                 cx = p.x[v[2]];
    const double d = 2 * (ax * (by - cy) + bx * (cy - ay) + cx * (ay - by));
    const double ux = ((ax * ax + ay * ay) * (by - cy) + (bx * bx + by * by) * (cy - ay) +
                       (cx * cx + cy * cy) * (ay - by)) / d;
    const double uy = ((ax * ax + ay * ay) * (cx - bx) + (bx * bx + by * by) * (ax - cx) +
                       (cx * cx + cy * cy) * (bx - ax)) / d;
    const double r2 = (ax - ux) * (ax - ux) + (ay - uy) * (ay - uy);
    for (std::size_t i = 0; i < p.y.size(); ++i) {
      const double d2 = (p.x[i] - ux) * (p.x[i] - ux) + (p.y[i] - uy) * (p.y[i] - uy);
      EXPECT_GE(d2, r2 * (1 - 1e-9)) << "point " << i << " inside circumcircle of " << t;
    }
  }
}

TEST(MeshDelaunay, BarycentricWeightsReproduceLinearFunctionsExactly) {
  const Points p = random_disc(200, 2);
  DelaunayHeapStorage storage(p.y.size());
  const DelaunayTriangulation tri(p.y, p.x, storage.view());
  auto f = [](double y, double x) { return 0.7 - 1.9 * y + 3.1 * x; };
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> u(-1.2, 1.2);
  int hint = 0, inside = 0, outside = 0;
  for (int q = 0; q < 2000; ++q) {
    const double y = u(rng), x = u(rng);
    const TriangleWeights w = tri.interpolation_weights(y, x, hint);
    if (w.index[1] >= 0) {
      ++inside;
      double value = 0.0, total = 0.0;
      for (int k = 0; k < 3; ++k) {
        EXPECT_GE(w.weight[k], 0.0);
        value += w.weight[k] * f(p.y[w.index[k]], p.x[w.index[k]]);
        total += w.weight[k];
      }
      EXPECT_NEAR(total, 1.0, 1e-12);
      EXPECT_NEAR(value, f(y, x), 1e-11);
    } else {
      ++outside;
      // Outside the hull: the nearest vertex, by brute force.
      double best = INFINITY;
      for (std::size_t v = 0; v < p.y.size(); ++v)
        best = std::min(best, std::hypot(p.y[v] - y, p.x[v] - x));
      EXPECT_DOUBLE_EQ(std::hypot(p.y[w.index[0]] - y, p.x[w.index[0]] - x), best);
      EXPECT_EQ(w.weight[0], 1.0);
      EXPECT_EQ(tri.locate_by_brute_force(y, x), -1);
    }
  }
  EXPECT_GT(inside, 500);
  EXPECT_GT(outside, 200);
}

TEST(MeshDelaunay, DualAreasSumToTheTriangulatedArea) {
  const Points p = random_disc(150, 4);
  DelaunayHeapStorage storage(p.y.size());
  const DelaunayTriangulation tri(p.y, p.x, storage.view());
  std::vector<double> area(p.y.size());
  tri.dual_areas(area);
  double total = 0.0, triangles = 0.0;
  for (double a : area) total += a;
  for (std::size_t t = 0; t < tri.triangle_count(); ++t) {
    const int* v = tri.triangle(t);
    triangles += 0.5 * std::abs((p.y[v[1]] - p.y[v[0]]) * (p.x[v[2]] - p.x[v[0]]) -
                                (p.x[v[1]] - p.x[v[0]]) * (p.y[v[2]] - p.y[v[0]]));
  }
  EXPECT_NEAR(total, triangles, 1e-12);
  EXPECT_LT(total, M_PI);  // the hull of points inside the unit disc
  EXPECT_GT(total, 2.5);
}

// The grid search must give the sequential scan's answer, the lowest id
// among exact ties: a shuffled lattice (queries at cell centres and on
// vertices tie four and one ways, within and across the grid's cells),
// random points, and a cluster with far outliers (most of the grid's cells
// empty, one crowded); queries inside and outside the points' box.
TEST(MeshDelaunay, NearestVertexIsTheLowestIdAmongTies) {
  Points p;
  for (int i = 0; i < 11; ++i)
    for (int j = 0; j < 13; ++j) p.y.push_back(i), p.x.push_back(j);  // 143 = 4 * 35 + 3
  std::mt19937_64 rng(20261201);
  std::vector<std::size_t> order(p.y.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), rng);
  Points shuffled;
  for (std::size_t i : order) shuffled.y.push_back(p.y[i]), shuffled.x.push_back(p.x[i]);
  auto sequential = [](const Points& v, double y, double x) {
    int best = 0;
    double best_distance = INFINITY;
    for (std::size_t k = 0; k < v.y.size(); ++k) {
      const double dy = v.y[k] - y, dx = v.x[k] - x, distance = std::fma(dy, dy, dx * dx);
      if (distance < best_distance) best_distance = distance, best = static_cast<int>(k);
    }
    return best;
  };
  Points cluster = random_disc(400, 13);
  for (double& v : cluster.y) v *= 1e-3;
  for (double& v : cluster.x) v *= 1e-3;
  cluster.y.insert(cluster.y.end(), {12.0, -2.0, 5.0}), cluster.x.insert(cluster.x.end(), {-2.0, 14.0, 5.0});
  for (int set = 0; set < 3; ++set) {
    const Points vertices = set == 0 ? shuffled : set == 1 ? random_disc(1503, 9) : cluster;
    DelaunayHeapStorage storage(vertices.y.size());
    const DelaunayTriangulation tri(vertices.y, vertices.x, storage.view());
    std::uniform_real_distribution<double> u(-3.0, 15.0);
    std::size_t ties = 0;
    for (int q = 0; q < 600; ++q) {
      double y = u(rng), x = u(rng);
      if (q % 3 == 0) y = std::floor(y) + 0.5, x = std::floor(x) + 0.5;  // cell centres
      if (q % 3 == 1) y = std::floor(y), x = std::floor(x);              // lattice points
      const int expected = sequential(vertices, y, x);
      ASSERT_EQ(tri.nearest_vertex(y, x), expected) << "set " << set << " query (" << y << ", " << x << ")";
      ASSERT_EQ(tri.nearest_vertex_by_scan(y, x), expected);
      int tied = 0;
      for (std::size_t k = 0; k < vertices.y.size(); ++k) {
        const double dy = vertices.y[k] - y, dx = vertices.x[k] - x;
        const double ey = vertices.y[expected] - y, ex = vertices.x[expected] - x;
        tied += std::fma(dy, dy, dx * dx) == std::fma(ey, ey, ex * ex);
      }
      ties += tied > 1;
    }
    if (set == 0) EXPECT_GT(ties, 100u) << "the lattice queries must include exact ties";
  }
}

// A point outside the hull: locate says -1 and names a hull triangle (one
// with no neighbour across some edge) that the point lies beyond, and the
// interpolation starts the next point's walk there.
TEST(MeshDelaunay, AnOutsidePointLeavesItsHullTriangleAsTheNextHint) {
  const Points p = random_disc(300, 11);
  DelaunayHeapStorage storage(p.y.size());
  const DelaunayTriangulation tri(p.y, p.x, storage.view());
  for (int q = 0; q < 64; ++q) {
    const double angle = 0.1 * q, y = 1.5 * std::sin(angle), x = 1.5 * std::cos(angle);
    int last = -1;
    ASSERT_EQ(tri.locate(y, x, 0, &last), -1);
    ASSERT_GE(last, 0);
    double c[3];
    tri.barycentric(static_cast<std::size_t>(last), y, x, c);
    bool beyond_a_hull_edge = false;
    for (int k = 0; k < 3; ++k) beyond_a_hull_edge = beyond_a_hull_edge || (tri.neighbor(last, k) < 0 && c[k] < 0);
    EXPECT_TRUE(beyond_a_hull_edge) << "query " << q;
    int hint = 0;
    const TriangleWeights w = tri.interpolation_weights(y, x, hint);
    EXPECT_EQ(w.index[0], tri.nearest_vertex(y, x));
    EXPECT_EQ(hint, last);
  }
}

TEST(MeshDelaunay, ConstantSplitAnnihilatesConstantsAndIsPositiveDefinite) {
  const Points p = random_disc(120, 5);
  DelaunayHeapStorage storage(p.y.size());
  const DelaunayTriangulation tri(p.y, p.x, storage.view());
  const std::size_t n = p.y.size();
  Eigen::MatrixXd h(n, n);
  std::vector<double> area(n);
  constant_split_regularization(tri, 2.0, 0.5, area, h);
  EXPECT_LT((h - h.transpose()).cwiseAbs().maxCoeff(), 1e-14);
  // Every g_k sums to zero (interpolation weights sum to 1), so a constant
  // source costs nothing but the 1e-8 ridge: H 1 = 1e-8 1.
  const Eigen::VectorXd ones = Eigen::VectorXd::Ones(n);
  EXPECT_LT((h * ones - 1e-8 * ones).cwiseAbs().maxCoeff(), 1e-12);
  // A linear source is penalised in proportion to its squared gradient.
  Eigen::VectorXd linear(n);
  for (std::size_t i = 0; i < n; ++i) linear[i] = p.x[i];
  EXPECT_GT(linear.dot(h * linear), 1e-3);
  Eigen::LLT<Eigen::MatrixXd> llt(h);
  EXPECT_EQ(llt.info(), Eigen::Success);
  // Scales with the coefficient squared.
  Eigen::MatrixXd h3(n, n);
  constant_split_regularization(tri, 3.0, 0.5, area, h3);
  const Eigen::MatrixXd ridge = 1e-8 * Eigen::MatrixXd::Identity(n, n);
  EXPECT_LT(((h3 - ridge) - 2.25 * (h - ridge)).cwiseAbs().maxCoeff(), 1e-11);
}

TEST(MeshDelaunay, MatchesPyAutoArray) {
  const auto& ref = mesh_test::reference()["delaunay"];
  const auto vy = mesh_test::doubles(ref["vertices_y"]), vx = mesh_test::doubles(ref["vertices_x"]);
  const auto qy = mesh_test::doubles(ref["queries_y"]), qx = mesh_test::doubles(ref["queries_x"]);
  DelaunayHeapStorage storage(vy.size());
  const DelaunayTriangulation tri(vy, vx, storage.view());
  const auto mappings = ref["mappings"];
  const auto weights = ref["weights"];
  int hint = 0;
  for (std::size_t q = 0; q < qy.size(); ++q) {
    const TriangleWeights w = tri.interpolation_weights(qy[q], qx[q], hint);
    // Same vertices with the same weights; the order inside a triangle is qhull's.
    for (int k = 0; k < 3; ++k) {
      const int index = mappings[q][k].get<int>();
      const double weight = weights[q][k].get<double>();
      if (index < 0) {
        EXPECT_EQ(w.index[k], -1) << "query " << q;
        continue;
      }
      int found = -1;
      for (int m = 0; m < 3; ++m)
        if (w.index[m] == index) found = m;
      ASSERT_GE(found, 0) << "query " << q << " vertex " << index;
      EXPECT_NEAR(w.weight[found], weight, 1e-12) << "query " << q;
    }
  }
  const std::size_t n = vy.size();
  Eigen::MatrixXd h(n, n);
  std::vector<double> area(n);
  constant_split_regularization(tri, ref["coefficient"].get<double>(), 0.5, area, h);
  Eigen::MatrixXd expected = Eigen::MatrixXd::Zero(n, n);
  const auto rows = mesh_test::ints(ref["h_rows"]), cols = mesh_test::ints(ref["h_cols"]);
  const auto values = mesh_test::doubles(ref["h_values"]);
  for (std::size_t k = 0; k < rows.size(); ++k) expected(rows[k], cols[k]) = values[k];
  EXPECT_LT((h - expected).cwiseAbs().maxCoeff(), 1e-12 * expected.cwiseAbs().maxCoeff());
}

// A source plane whose vertices were nearly all relocated onto the border
// (an Einstein radius beyond the mask: 1,499 of 1,500 vertices on the hull at
// the af_lens_bench point docs/parity.md names) is a fan of slivers, where a
// walk between two triangles can cross hundreds of them. PyAutoLens's JAX
// walk stops at 128 steps and maps what it has not reached to the nearest
// vertex, as if outside the hull; the walk here must find every point inside.
TEST(MeshDelaunay, WalkFindsEveryPointInsideAFanOfSlivers) {
  std::mt19937_64 rng(6);
  std::uniform_real_distribution<double> angle(0.0, 2.0 * M_PI), unit(0.0, 1.0);
  Points p;
  p.y.push_back(0.05);  // the one vertex inside the hull
  p.x.push_back(-0.03);
  while (p.y.size() < 1500) {
    const double t = angle(rng);
    p.y.push_back(1.2 * std::sin(t));
    p.x.push_back(2.0 * std::cos(t));
  }
  DelaunayHeapStorage storage(p.y.size());
  const DelaunayTriangulation tri(p.y, p.x, storage.view());
  // Steps between triangles (breadth first from the walk's start, triangle 0).
  std::vector<int> steps(tri.triangle_count(), -1);
  std::vector<int> queue = {0};
  steps[0] = 0;
  for (std::size_t head = 0; head < queue.size(); ++head)
    for (int k = 0; k < 3; ++k) {
      const int next = tri.neighbor(queue[head], k);
      if (next >= 0 && steps[next] < 0) {
        steps[next] = steps[queue[head]] + 1;
        queue.push_back(next);
      }
    }
  int inside = 0, farthest = 0;
  for (int q = 0; q < 3000; ++q) {
    // Points of the ellipse, most near its rim (where the slivers are).
    const double t = angle(rng), r = std::sqrt(unit(rng));
    const double y = 1.2 * r * std::sin(t), x = 2.0 * r * std::cos(t);
    const int walked = tri.locate(y, x, 0), brute = tri.locate_by_brute_force(y, x);
    ASSERT_EQ(walked >= 0, brute >= 0) << "query " << q << " at (" << y << ", " << x << ")";
    if (walked < 0) continue;
    ++inside;
    farthest = std::max(farthest, steps[walked]);
    double c[3];
    tri.barycentric(walked, y, x, c);
    for (double value : c) EXPECT_GE(value, -1e-12) << "query " << q;
  }
  EXPECT_GT(inside, 2900);
  EXPECT_GT(farthest, 128) << "no walk longer than PyAutoLens's JAX cap: the test tests nothing";
}

TEST(MeshDelaunay, CollinearPointsAreRefusedWithQhullsReason) {
  std::vector<double> y = {0.0, 1.0, 2.0, 3.0}, x = {0.0, 1.0, 2.0, 3.0};
  DelaunayHeapStorage storage(y.size());
  EXPECT_THROW(DelaunayTriangulation(y, x, storage.view()), std::runtime_error);
}

}  // namespace
}  // namespace nslab
