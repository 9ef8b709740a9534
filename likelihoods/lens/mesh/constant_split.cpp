#include "likelihoods/lens/mesh/constant_split.hpp"

#include <cmath>

namespace nslab {

void constant_split_regularization(const DelaunayTriangulation& triangulation, double coefficient,
                                   double areas_factor, std::span<double> dual_area,
                                   Eigen::Ref<Eigen::MatrixXd> h) {
  const int n = static_cast<int>(triangulation.vertex_count());
  const double c2 = coefficient * coefficient;
  triangulation.dual_areas(dual_area);
  h.setZero();
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
      for (int a = 0; a < count; ++a)
        for (int b = 0; b < count; ++b) h(index[a], index[b]) += c2 * value[a] * value[b];
    }
  }
  h.diagonal().array() += 1e-8;
}

}  // namespace nslab
