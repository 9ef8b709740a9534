#include "likelihoods/lens/mesh/constant_split.hpp"

#include <cmath>
#include <vector>

namespace nslab {

SparseRegularization constant_split_regularization(const DelaunayTriangulation& triangulation,
                                                   double coefficient, double areas_factor,
                                                   std::span<double> dual_area,
                                                   SparseRegularizationAssembly& assembly) {
  const int n = static_cast<int>(triangulation.vertex_count());
  const double c2 = coefficient * coefficient;
  triangulation.dual_areas(dual_area);
  int hint = 0;
  for (int i = 0; i < n; ++i) {
    const double yi = triangulation.vertex_y(i), xi = triangulation.vertex_x(i);
    if (triangulation.vertex_triangle(i) >= 0) hint = triangulation.vertex_triangle(i);
    const double d = areas_factor * std::sqrt(dual_area[i]);
    // PyAutoArray's split_points_from order: +y, -y, +x, -x.
    const double cross_y[4] = {yi + d, yi - d, yi, yi};
    const double cross_x[4] = {xi, xi, xi + d, xi - d};
    for (int k = 0; k < 4; ++k) {
      const TriangleWeights w = triangulation.interpolation_weights(cross_y[k], cross_x[k], hint);
      // g = e_i - sum_v w_v e_v; vertex i is either one of the interpolation
      // vertices (its entry gains +1) or appended (reg_split_from).
      int index[4];
      double value[4];
      int count = 0;
      bool has_self = false;
      for (int v = 0; v < 3; ++v) {
        if (w.index[v] < 0) continue;
        index[count] = w.index[v];
        value[count] = -w.weight[v];
        if (w.index[v] == i) {
          value[count] += 1.0;
          has_self = true;
        }
        ++count;
      }
      if (!has_self) {
        index[count] = i;
        value[count] = 1.0;
        ++count;
      }
      // c^2 g g^T: each pair once (the assembly mirrors off-diagonal ones).
      for (int a = 0; a < count; ++a)
        for (int b = a; b < count; ++b)
          assembly.add(static_cast<std::uint32_t>(index[a]), static_cast<std::uint32_t>(index[b]),
                       c2 * value[a] * value[b]);
    }
  }
  SparseRegularization h = assembly.finish(kRegularizationRidge);
  set_log_det_by_sparse_cholesky(h);
  return h;
}

void constant_split_regularization(const DelaunayTriangulation& triangulation, double coefficient,
                                   double areas_factor, std::span<double> dual_area,
                                   Eigen::Ref<Eigen::MatrixXd> h) {
  const std::size_t n = triangulation.vertex_count();
  std::vector<std::byte> memory(
      SparseRegularizationAssembly::scratch_bytes(n, constant_split_contributions(n)));
  ScratchArena scratch(memory.data(), memory.size());
  SparseRegularizationAssembly assembly(n, constant_split_contributions(n), scratch);
  constant_split_regularization(triangulation, coefficient, areas_factor, dual_area, assembly).to_dense(h);
}

}  // namespace nslab
