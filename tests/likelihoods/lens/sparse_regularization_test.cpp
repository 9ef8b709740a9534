#include "likelihoods/lens/pixelization/sparse_regularization.hpp"

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "likelihoods/lens/mesh/rectangular_adapt.hpp"

namespace nslab {
namespace {

double dense_log_det(const Eigen::MatrixXd& h) {
  const Eigen::LLT<Eigen::MatrixXd> llt(h);
  EXPECT_EQ(llt.info(), Eigen::Success);
  return 2.0 * llt.matrixLLT().diagonal().array().log().sum();
}

// Random symmetric contributions (each once in either triangle, some
// repeated) against their dense sum.
TEST(SparseRegularization, AssemblySumsContributionsLikeTheDenseMatrix) {
  const std::size_t n = 30, contributions = 200;
  std::mt19937 rng(4);
  std::uniform_int_distribution<std::uint32_t> index(0, n - 1);
  std::normal_distribution<double> normal;
  std::vector<std::byte> memory(SparseRegularizationAssembly::scratch_bytes(n, contributions));
  ScratchArena scratch(memory.data(), memory.size());
  SparseRegularizationAssembly assembly(n, contributions, scratch);
  EXPECT_EQ(scratch.used_bytes(), memory.size());
  Eigen::MatrixXd expected = 0.5 * Eigen::MatrixXd::Identity(n, n);
  for (std::size_t k = 0; k < contributions; ++k) {
    const std::uint32_t i = index(rng), j = k % 7 == 0 ? i : index(rng);
    const double v = normal(rng);
    assembly.add(i, j, v);
    expected(i, j) += v;
    if (i != j) expected(j, i) += v;
  }
  const SparseRegularization h = assembly.finish(0.5);
  Eigen::MatrixXd dense(n, n);
  h.to_dense(dense);
  EXPECT_LT((dense - expected).cwiseAbs().maxCoeff(), 1e-14);
  for (std::size_t c = 0; c < n; ++c) {
    EXPECT_EQ(h.row[h.column_begin[c]], c) << "the diagonal leads column " << c;
    for (std::uint32_t e = h.column_begin[c] + 1; e < h.column_begin[c + 1]; ++e) EXPECT_GT(h.row[e], h.row[e - 1]);
  }
  std::vector<double> s(n);
  for (double& v : s) v = normal(rng);
  const Eigen::Map<const Eigen::VectorXd> sv(s.data(), n);
  EXPECT_NEAR(h.quadratic_form(s), sv.dot(expected * sv), 1e-12 * (1 + std::abs(sv.dot(expected * sv))));
}

TEST(SparseRegularization, SparseCholeskyLogDetIsTheDenseOneAndRefusesIndefiniteMatrices) {
  const std::size_t n = 40;
  std::vector<std::byte> memory(SparseRegularizationAssembly::scratch_bytes(n, 3 * n + 3));
  for (double shift : {1e-3, -0.5}) {
    ScratchArena scratch(memory.data(), memory.size());
    SparseRegularizationAssembly assembly(n, 3 * n + 3, scratch);
    // A path graph's Laplacian plus a weaker chord (a graph Laplacian:
    // positive semi-definite, constants its null space), shifted: positive
    // definite for a positive shift, indefinite for a negative one.
    for (std::uint32_t i = 0; i + 1 < n; ++i) {
      assembly.add(i, i + 1, -1.0);
      assembly.add(i, i, 1.0);
      assembly.add(i + 1, i + 1, 1.0);
    }
    assembly.add(3, 31, -0.25);  // a weaker edge
    assembly.add(3, 3, 0.25);
    assembly.add(31, 31, 0.25);
    SparseRegularization h = assembly.finish(shift);
    set_log_det_by_sparse_cholesky(h);
    Eigen::MatrixXd dense(n, n);
    h.to_dense(dense);
    if (shift > 0) {
      ASSERT_TRUE(h.positive_definite);
      EXPECT_NEAR(h.log_det, dense_log_det(dense), 1e-10 * std::abs(h.log_det));
    } else {
      EXPECT_FALSE(h.positive_definite);
    }
  }
}

// Constant on the rectangular mesh. The closed form rests on L's
// eigenvalues being mu_j + mu_k, mu_j = 2 - 2 cos(pi j / side): checked
// against a numerical eigendecomposition of the very L the sparse form
// holds. Then ln det H against a dense Cholesky factorisation where H is
// well conditioned (for larger c its 1e-8 null-space eigenvalue drowns in
// the factorisation's rounding, ~1e-16 c^2: there the closed form is the
// more accurate of the two).
TEST(SparseRegularization, RectangularConstantLogDetIsExact) {
  for (int side : {5, 12, 20}) {
    const RectangularAdaptImageMesh mesh(side);
    const std::size_t n = mesh.pixels();
    std::vector<double> values(mesh.constant_regularization_entries());
    Eigen::MatrixXd laplacian(n, n);
    mesh.constant_regularization(1.0, values).to_dense(laplacian);
    laplacian -= kRegularizationRidge * Eigen::MatrixXd::Identity(n, n);
    Eigen::VectorXd numerical = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(laplacian).eigenvalues();
    std::vector<double> closed_form;
    for (int j = 0; j < side; ++j)
      for (int k = 0; k < side; ++k)
        closed_form.push_back(4.0 - 2.0 * std::cos(M_PI * j / side) - 2.0 * std::cos(M_PI * k / side));
    std::sort(closed_form.begin(), closed_form.end());
    for (std::size_t i = 0; i < n; ++i) EXPECT_NEAR(numerical[i], closed_form[i], 1e-11) << "side " << side;
    for (double coefficient : {1e-3, 0.02}) {
      const SparseRegularization h = mesh.constant_regularization(coefficient, values);
      ASSERT_TRUE(h.positive_definite);
      Eigen::MatrixXd dense(n, n);
      h.to_dense(dense);
      EXPECT_NEAR(h.log_det, dense_log_det(dense), 1e-11 * std::abs(h.log_det))
          << "side " << side << " c " << coefficient;
    }
  }
}

}  // namespace
}  // namespace nslab
