#include "likelihoods/lens/mesh/rectangular_adapt.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "support/mesh_reference.hpp"

namespace nslab {
namespace {

std::vector<std::byte> arena_memory(std::size_t bytes) { return std::vector<std::byte>(bytes); }

TEST(MeshRectangular, OuterRingOf39By39Is152Pixels) {
  const RectangularAdaptImageMesh mesh(39);
  EXPECT_EQ(mesh.pixels(), 1521u);
  const auto edge = mesh.edge_pixels();
  EXPECT_EQ(edge.size(), 152u);
  EXPECT_TRUE(std::is_sorted(edge.begin(), edge.end()));
}

TEST(MeshRectangular, ConstantRegularizationIsTheGraphLaplacian) {
  const RectangularAdaptImageMesh mesh(7);
  const int n = static_cast<int>(mesh.pixels());
  Eigen::MatrixXd h(n, n);
  mesh.constant_regularization(1.5, h);
  const Eigen::MatrixXd laplacian = (h - 1e-8 * Eigen::MatrixXd::Identity(n, n)) / 2.25;
  // Rows sum to zero, off-diagonals are -1 on the 4-neighbours, symmetric.
  EXPECT_LT(laplacian.rowwise().sum().cwiseAbs().maxCoeff(), 1e-12);
  EXPECT_LT((h - h.transpose()).cwiseAbs().maxCoeff(), 0.0 + 1e-15);
  EXPECT_NEAR(laplacian(0, 0), 2.0, 1e-12);       // corner
  EXPECT_NEAR(laplacian(3, 3), 3.0, 1e-12);       // top edge
  EXPECT_NEAR(laplacian(24, 24), 4.0, 1e-12);     // interior
  EXPECT_NEAR(laplacian(24, 17), -1.0, 1e-12);    // up
  EXPECT_NEAR(laplacian(24, 23), -1.0, 1e-12);    // left
  EXPECT_NEAR(laplacian(24, 25), -1.0, 1e-12);
  EXPECT_NEAR(laplacian(24, 31), -1.0, 1e-12);
  EXPECT_NEAR(laplacian(24, 32), 0.0, 1e-12);     // diagonal neighbour: none
  EXPECT_NEAR(laplacian(6, 7), 0.0, 1e-12);       // row wrap: none
}

TEST(MeshRectangular, WeightsAreBilinearAndTheTransformIsTheWeightedCdf) {
  const RectangularAdaptImageMesh mesh(12);
  std::mt19937_64 rng(7);
  std::normal_distribution<double> g(0.0, 1.0);
  const std::size_t n = 500;
  std::vector<double> y(n), x(n), adapt(n), weight_map(n);
  for (std::size_t i = 0; i < n; ++i) y[i] = g(rng), x[i] = 2.0 * g(rng), adapt[i] = std::abs(g(rng));
  mesh.mesh_weight_map(adapt, weight_map);
  double total = 0.0;
  for (double w : weight_map) total += w;
  EXPECT_NEAR(total, 1.0, 1e-12);
  auto memory = arena_memory(RectangularAdaptImageMesh::scratch_bytes(n));
  ScratchArena scratch(memory.data(), memory.size());
  std::vector<RectangularWeights> out(n);
  mesh.interpolate(y, x, weight_map, scratch, out);
  EXPECT_EQ(scratch.used_bytes(), RectangularAdaptImageMesh::scratch_bytes(n));
  for (std::size_t i = 0; i < n; ++i) {
    double sum = 0.0, row = 0.0, col = 0.0;
    for (int k = 0; k < 4; ++k) {
      EXPECT_GE(out[i].weight[k], -1e-15);
      sum += out[i].weight[k];
      row += out[i].weight[k] * (out[i].index[k] / 12);
      col += out[i].weight[k] * (out[i].index[k] % 12);
      // Weight never lands on the top ring row, row 1 or the side columns
      // (PyAutoArray's flattening); the largest point names column 11 / row 1
      // with weight 0, or a round-off weight when the CDF's total exceeds 1.
      if (out[i].weight[k] > 1e-12) {
        EXPECT_GE(out[i].index[k] / 12, 2);
        EXPECT_GE(out[i].index[k] % 12, 1);
        EXPECT_LE(out[i].index[k] % 12, 10);
      }
    }
    EXPECT_NEAR(sum, 1.0, 1e-12);
    // The weighted mean position is the transformed point: column (x) from
    // the x-CDF, row (y up) from the y-CDF.
    double cdf_y = 0.0, cdf_x = 0.0;
    for (std::size_t j = 0; j < n; ++j) {
      if (y[j] <= y[i]) cdf_y += weight_map[j];
      if (x[j] <= x[i]) cdf_x += weight_map[j];
    }
    EXPECT_NEAR(col, 9.0 * cdf_x + 1.0, 1e-9);
    EXPECT_NEAR(row, 12.0 - (9.0 * cdf_y + 1.0), 1e-9);
  }
}

TEST(MeshRectangular, MatchesPyAutoArray) {
  const auto& ref = mesh_test::reference()["rectangular"];
  const int side = ref["side"].get<int>();
  const RectangularAdaptImageMesh mesh(side);
  const auto y = mesh_test::doubles(ref["points_y"]), x = mesh_test::doubles(ref["points_x"]);
  const auto adapt = mesh_test::doubles(ref["adapt"]);
  const auto expected_map = mesh_test::doubles(ref["weight_map"]);
  const std::size_t n = y.size();
  std::vector<double> weight_map(n);
  mesh.mesh_weight_map(adapt, weight_map);
  for (std::size_t i = 0; i < n; ++i) EXPECT_NEAR(weight_map[i], expected_map[i], 1e-15);
  auto memory = arena_memory(RectangularAdaptImageMesh::scratch_bytes(n));
  ScratchArena scratch(memory.data(), memory.size());
  std::vector<RectangularWeights> out(n);
  mesh.interpolate(y, x, weight_map, scratch, out);
  for (std::size_t i = 0; i < n; ++i)
    for (int k = 0; k < 4; ++k) {
      EXPECT_EQ(out[i].index[k], ref["mappings"][i][k].get<int>()) << "point " << i;
      EXPECT_NEAR(out[i].weight[k], ref["weights"][i][k].get<double>(), 1e-12) << "point " << i;
    }
  EXPECT_EQ(mesh.edge_pixels(), mesh_test::ints(ref["edge_pixels"]));
  const int s = static_cast<int>(mesh.pixels());
  Eigen::MatrixXd h(s, s), expected = Eigen::MatrixXd::Zero(s, s);
  mesh.constant_regularization(ref["coefficient"].get<double>(), h);
  const auto rows = mesh_test::ints(ref["h_rows"]), cols = mesh_test::ints(ref["h_cols"]);
  const auto values = mesh_test::doubles(ref["h_values"]);
  for (std::size_t k = 0; k < rows.size(); ++k) expected(rows[k], cols[k]) = values[k];
  EXPECT_LT((h - expected).cwiseAbs().maxCoeff(), 1e-15);
}

}  // namespace
}  // namespace nslab
