#include "likelihoods/lens/mesh/hilbert_image_mesh.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "support/mesh_reference.hpp"

namespace nslab {
namespace {

std::vector<double> ring_adapt(const CircularMask& mask) {
  std::vector<double> adapt;
  for (const auto& p : mask.pixels) {
    const double r = std::sqrt(p.y * p.y + p.x * p.x);
    adapt.push_back(std::exp(-0.5 * std::pow((r - 1.2) / 0.25, 2)) *
                    (1.0 + 0.5 * std::cos(std::atan2(p.y, p.x))));
  }
  return adapt;
}

TEST(MeshHilbert, GilbertCurveVisitsEveryCellOnceInUnitSteps) {
  for (auto [w, h] : {std::pair{193, 193}, std::pair{8, 8}, std::pair{12, 7}}) {
    const auto curve = gilbert_curve(w, h);
    ASSERT_EQ(curve.size(), static_cast<std::size_t>(w * h));
    std::set<std::pair<int, int>> seen(curve.begin(), curve.end());
    EXPECT_EQ(seen.size(), curve.size());
    int diagonal = 0;
    for (std::size_t k = 1; k < curve.size(); ++k) {
      const int dx = std::abs(curve[k].first - curve[k - 1].first);
      const int dy = std::abs(curve[k].second - curve[k - 1].second);
      EXPECT_EQ(std::max(dx, dy), 1);
      diagonal += dx + dy == 2;
    }
    EXPECT_LE(diagonal, 1);  // odd x odd grids may need one diagonal step
  }
}

TEST(MeshHilbert, NumpyInterpKeepsTheLastOfTiedKnots) {
  const std::vector<double> xp = {0.0, 0.0, 0.0, 0.5, 0.5, 1.0}, fp = {0, 1, 2, 3, 4, 5};
  EXPECT_EQ(numpy_interp(0.0, xp, fp), 2.0);
  EXPECT_EQ(numpy_interp(0.5, xp, fp), 4.0);
  EXPECT_DOUBLE_EQ(numpy_interp(0.25, xp, fp), 2.5);
  EXPECT_DOUBLE_EQ(numpy_interp(0.75, xp, fp), 4.5);
  EXPECT_EQ(numpy_interp(-1.0, xp, fp), 0.0);
  EXPECT_EQ(numpy_interp(2.0, xp, fp), 5.0);
}

TEST(MeshHilbert, NumpyPairwiseSumIsExactOnIntegers) {
  std::vector<double> values(1000);
  for (int i = 0; i < 1000; ++i) values[i] = i + 1;
  EXPECT_EQ(numpy_pairwise_sum(values), 500500.0);
  EXPECT_EQ(numpy_pairwise_sum(std::span<const double>(values).first(5)), 15.0);
}

TEST(MeshHilbert, HstMeshHas1500VerticesInsideTheMask) {
  const CircularMask mask = make_circular_mask(141, 0.05, 3.5);
  EXPECT_NEAR(mask_circular_radius(mask), 3.475, 1e-12);
  const auto vertices = hilbert_image_mesh(mask, ring_adapt(mask), 1500);
  ASSERT_EQ(vertices.size(), 1500u);
  int near_ring = 0;
  for (const auto& v : vertices) {
    const double r = std::hypot(v.y, v.x);
    EXPECT_LE(r, 3.475 + 1e-9);
    near_ring += std::abs(r - 1.2) < 0.5;
  }
  // Density follows the adapt image: most vertices sit on the bright ring.
  EXPECT_GT(near_ring, 1200);
}

void expect_matches_reference(const char* name) {
  const auto& ref = mesh_test::reference()[name];
  const CircularMask mask = make_circular_mask(ref["grid_size"].get<int>(),
                                               ref["pixel_scale"].get<double>(), 3.5);
  EXPECT_DOUBLE_EQ(mask_circular_radius(mask), ref["circular_radius"].get<double>());
  const int pixels = ref["pixels"].get<int>();
  const auto vertices = hilbert_image_mesh(mask, ring_adapt(mask), pixels);
  const auto y = mesh_test::doubles(ref["vertices_y"]), x = mesh_test::doubles(ref["vertices_x"]);
  const std::size_t every = ref["every"].get<std::size_t>();
  double sum_y = 0.0, sum_x = 0.0;
  for (const auto& v : vertices) sum_y += v.y, sum_x += v.x;
  // The last vertex samples p = 0.99999999, where the CDF is nearly flat (the
  // adapt image is faint at the end of the curve): there a last-bit difference
  // in the interpolated adapt values (scipy inverts each triangle's transform
  // with LAPACK, we use cross products) moves the vertex by up to ~1e-7".
  for (std::size_t k = 0; k < y.size(); ++k) {
    const double tolerance = k * every + 1 == vertices.size() ? 1e-6 : 1e-11;
    EXPECT_NEAR(vertices[k * every].y, y[k], tolerance) << name << " vertex " << k * every;
    EXPECT_NEAR(vertices[k * every].x, x[k], tolerance) << name << " vertex " << k * every;
  }
  EXPECT_NEAR(sum_y, ref["sum_y"].get<double>(), 1e-6);
  EXPECT_NEAR(sum_x, ref["sum_x"].get<double>(), 1e-6);
}

TEST(MeshHilbert, MatchesPyAutoArrayOnTheCiGrid) { expect_matches_reference("hilbert_ci"); }
TEST(MeshHilbert, MatchesPyAutoArrayOnTheHstGrid) { expect_matches_reference("hilbert_hst"); }

}  // namespace
}  // namespace nslab
