#include "likelihoods/lens/mesh/rectangular_adapt.hpp"

#include "likelihoods/lens/mesh/numpy_compat.hpp"
#include "likelihoods/lens/mesh/rectangular_weights.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace nslab {

RectangularAdaptImageMesh::RectangularAdaptImageMesh(int side, double weight_power,
                                                     double weight_floor)
    : side_(side), weight_power_(weight_power), weight_floor_(weight_floor) {
  if (side < 3) throw std::invalid_argument("rectangular mesh side must be at least 3");
  for (int p = 0; p < static_cast<int>(pixels()); ++p) {
    int nb[4];
    neighbors(p, nb);
    laplacian_column_begin_.push_back(static_cast<std::uint32_t>(laplacian_row_.size()));
    laplacian_row_.push_back(static_cast<std::uint32_t>(p));
    laplacian_value_.push_back(static_cast<double>(std::count_if(nb, nb + 4, [](int q) { return q >= 0; })));
    for (int q : {nb[2], nb[3]})  // right and down: the neighbours after p
      if (q >= 0) laplacian_row_.push_back(static_cast<std::uint32_t>(q)), laplacian_value_.push_back(-1.0);
  }
  laplacian_column_begin_.push_back(static_cast<std::uint32_t>(laplacian_row_.size()));
  for (int j = 0; j < side_; ++j) {
    const double half_angle = std::numbers::pi * j / (2.0 * side_);
    path_eigenvalues_.push_back(4.0 * std::sin(half_angle) * std::sin(half_angle));
  }
}

void RectangularAdaptImageMesh::mesh_weight_map(std::span<const double> adapt_image,
                                                std::span<double> out) const {
  for (std::size_t i = 0; i < adapt_image.size(); ++i) {
    double w = std::pow(std::max(adapt_image[i], 1e-12), weight_power_);
    if (w < weight_floor_) w = weight_floor_;
    out[i] = w;
  }
  const double total = numpy_pairwise_sum(out.first(adapt_image.size()));
  for (std::size_t i = 0; i < adapt_image.size(); ++i) out[i] /= total;
}

std::size_t RectangularAdaptImageMesh::scratch_bytes(std::size_t points) {
  return aligned_array_bytes<int>(points) + 3 * aligned_array_bytes<double>(points);
}

void RectangularAdaptImageMesh::axis_transform(std::span<const double> scaled,
                                               std::span<const double> weight_map,
                                               std::span<int> order,
                                               std::span<double> out) const {
  const std::size_t n = scaled.size();
  for (std::size_t i = 0; i < n; ++i) order[i] = static_cast<int>(i);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return scaled[a] < scaled[b]; });
  double running = 0.0;
  std::size_t group_start = 0;
  for (std::size_t k = 0; k < n; ++k) {
    running += weight_map[order[k]];
    // np.interp at a data point returns the CDF at the last point tied with
    // it, so every member of a tie group gets the sum through the group.
    const bool group_ends = k + 1 == n || scaled[order[k + 1]] != scaled[order[k]];
    if (group_ends) {
      for (std::size_t g = group_start; g <= k; ++g) out[order[g]] = running;
      group_start = k + 1;
    }
  }
}

void RectangularAdaptImageMesh::interpolate(std::span<const double> y, std::span<const double> x,
                                            std::span<const double> weight_map,
                                            ScratchArena& scratch,
                                            std::span<RectangularWeights> out) const {
  const std::size_t n = y.size();
  std::span<int> order = scratch.take<int>(n);
  std::span<double> scaled = scratch.take<double>(n);
  std::span<double> transform_y = scratch.take<double>(n);
  std::span<double> transform_x = scratch.take<double>(n);

  // PyAutoArray normalises by the mean and the smaller of the two standard
  // deviations (population, ddof 0) before building the transform; the CDF
  // only sees the order, but the scaling can merge near-equal values, so it
  // is kept.
  double mean_y = 0.0, mean_x = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    mean_y += y[i];
    mean_x += x[i];
  }
  mean_y /= static_cast<double>(n);
  mean_x /= static_cast<double>(n);
  double var_y = 0.0, var_x = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    var_y += (y[i] - mean_y) * (y[i] - mean_y);
    var_x += (x[i] - mean_x) * (x[i] - mean_x);
  }
  const double scale = std::min(std::sqrt(var_y / n), std::sqrt(var_x / n));

  for (std::size_t i = 0; i < n; ++i) scaled[i] = (y[i] - mean_y) / scale;
  axis_transform(scaled, weight_map, order, transform_y);
  for (std::size_t i = 0; i < n; ++i) scaled[i] = (x[i] - mean_x) / scale;
  axis_transform(scaled, weight_map, order, transform_x);

  for (std::size_t i = 0; i < n; ++i)
    rectangular_bilinear_weights(transform_y[i], transform_x[i], side_, out[i].index, out[i].weight);
}

std::vector<int> RectangularAdaptImageMesh::edge_pixels() const {
  std::vector<int> edge;
  for (int row = 0; row < side_; ++row)
    for (int col = 0; col < side_; ++col)
      if (row == 0 || row == side_ - 1 || col == 0 || col == side_ - 1)
        edge.push_back(row * side_ + col);
  return edge;
}

void RectangularAdaptImageMesh::neighbors(int pixel, int out[4]) const {
  const int row = pixel / side_, col = pixel % side_;
  out[0] = row > 0 ? pixel - side_ : -1;
  out[1] = col > 0 ? pixel - 1 : -1;
  out[2] = col < side_ - 1 ? pixel + 1 : -1;
  out[3] = row < side_ - 1 ? pixel + side_ : -1;
}

SparseRegularization RectangularAdaptImageMesh::constant_regularization(double coefficient,
                                                                      std::span<double> values) const {
  const double c2 = coefficient * coefficient;
  for (std::size_t e = 0; e < laplacian_value_.size(); ++e) values[e] = c2 * laplacian_value_[e];
  for (std::size_t p = 0; p < pixels(); ++p) values[laplacian_column_begin_[p]] += kRegularizationRidge;
  SparseRegularization h;
  h.column_begin = laplacian_column_begin_;
  h.row = laplacian_row_;
  h.value = values.first(laplacian_value_.size());
  for (double mu : path_eigenvalues_)
    for (double nu : path_eigenvalues_) h.log_det += std::log(c2 * (mu + nu) + kRegularizationRidge);
  h.positive_definite = std::isfinite(h.log_det);
  return h;
}

void RectangularAdaptImageMesh::constant_regularization(double coefficient,
                                                        Eigen::Ref<Eigen::MatrixXd> h) const {
  std::vector<double> values(constant_regularization_entries());
  constant_regularization(coefficient, values).to_dense(h);
}

}  // namespace nslab
