#pragma once
// PyAutoArray's ConstantSplit regularization on a Delaunay mesh. Each vertex i
// is split into a cross of four points at distance d_i = areas_factor sqrt(A_i)
// (A_i its barycentric dual area, areas_factor 0.5) along +y, -y, +x, -x; each
// cross point is interpolated in the triangulation exactly as a data point
// (three barycentric weights, or its nearest vertex outside the hull), and
//   g_k = e_i - sum_v w_kv e_v,   H = c^2 sum_i sum_k g_k g_k^T + 1e-8 I,
// so H penalises the difference between each vertex and the interpolated
// source a little way off in each direction (a finite-difference gradient).
#include <span>

#include <Eigen/Dense>

#include "likelihoods/lens/mesh/delaunay.hpp"
#include "likelihoods/lens/pixelization/sparse_regularization.hpp"

namespace nslab {

// How many contributions constant_split_regularization adds to its assembly
// for n vertices: four cross points, each up to four entries of g, so ten
// entries of g g^T's lower triangle.
inline constexpr std::size_t constant_split_contributions(std::size_t vertices) { return 40 * vertices; }

// H (sparse, its arrays in the assembly's arena) and ln det H by a sparse
// Cholesky factorisation. `dual_area` is vertex_count() values of scratch.
SparseRegularization constant_split_regularization(const DelaunayTriangulation& triangulation,
                                                   double coefficient, double areas_factor,
                                                   std::span<double> dual_area,
                                                   SparseRegularizationAssembly& assembly);

// The same H as a dense vertex_count() x vertex_count() matrix.
void constant_split_regularization(const DelaunayTriangulation& triangulation, double coefficient,
                                   double areas_factor, std::span<double> dual_area,
                                   Eigen::Ref<Eigen::MatrixXd> h);

}  // namespace nslab
