#pragma once
// PyAutoArray's adaptive rectangular mesh, RectangularAdaptImage: a side x side
// grid (39 x 39 = 1,521 pixels in the pixelization cell) laid over the
// traced, border-relocated source-plane grid through a per-axis rank-CDF
// transform weighted by the adapt image, with bilinear weights on the four
// surrounding mesh pixels. Semantics are those of autoarray 2026.8
// (`RectangularBilinearAdaptImage`, transform="rank", the rank-CDF mesh that
// 2026.5 called RectangularAdaptImage):
//   - weight map: clip(adapt, 1e-12)^power, values below `floor` raised to
//     it, normalised to sum 1;
//   - per axis, the transform of a point is the weighted empirical CDF at its
//     coordinate: the running sum of the weights of the points sorted by that
//     coordinate, up to and including the last point tied with it (what
//     np.interp returns when the queries are the data points themselves,
//     which they are with pixelization over-sampling 1);
//   - index space g = (side - 3) T + 1, so the mapped points span [1, side-2];
//     i = clip(floor(g), 0, side - 2), t = g - i, bilinear weights on
//     (i, i + 1) x (j, j + 1); mesh row = side - i (PyAutoArray's flattening,
//     which puts the lowest points on the bottom ring row and never uses row 1),
//     mesh column = j.
// Regularization Constant(c): H = c^2 L + 1e-8 I with L the 4-neighbour graph
// Laplacian of the mesh. The outer ring (4 side - 4 pixels) is excluded from
// the linear solve by the inversion (its values are zero) but stays in H and
// in the log-determinants, as in PyAutoArray.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include <Eigen/Dense>

#include "core/workspace.hpp"
#include "likelihoods/lens/pixelization/sparse_regularization.hpp"

namespace nslab {

// Four mesh pixels per point, in PyAutoArray's order (tl, tr, bl, br).
struct RectangularWeights {
  int index[4];
  double weight[4];
};

class RectangularAdaptImageMesh {
 public:
  explicit RectangularAdaptImageMesh(int side = 39, double weight_power = 1.0,
                                     double weight_floor = 0.0);

  int side() const { return side_; }
  std::size_t pixels() const { return static_cast<std::size_t>(side_) * side_; }

  // The per-point weights of the rank CDF, from the adapt image on the
  // masked grid (one value per traced point).
  void mesh_weight_map(std::span<const double> adapt_image, std::span<double> out) const;

  // Arena bytes interpolate() takes for n points.
  static std::size_t scratch_bytes(std::size_t points);
  // Bilinear weights of the n traced points (y, x) on the adapted mesh.
  void interpolate(std::span<const double> y, std::span<const double> x,
                   std::span<const double> weight_map, ScratchArena& scratch,
                   std::span<RectangularWeights> out) const;

  // The outer ring, ascending: the pixels the inversion does not solve for.
  std::vector<int> edge_pixels() const;
  // Up to four neighbours (up, left, right, down), -1 where there is none.
  void neighbors(int pixel, int out[4]) const;
  // H = c^2 L + 1e-8 I, sparse, its values written into `values`
  // (constant_regularization_entries() of them), with ln det H in closed
  // form: L is the Laplacian of the side x side grid graph, the Cartesian
  // product of two paths, so its eigenvalues are mu_j + mu_k with
  // mu_j = 4 sin^2(pi j / (2 side)), j, k = 0 .. side - 1.
  SparseRegularization constant_regularization(double coefficient, std::span<double> values) const;
  std::size_t constant_regularization_entries() const { return laplacian_row_.size(); }
  // The same H as a dense pixels() x pixels() matrix.
  void constant_regularization(double coefficient, Eigen::Ref<Eigen::MatrixXd> h) const;

 private:
  // T for one axis: coordinates scaled as PyAutoArray scales them, then the
  // weighted empirical CDF at each point.
  void axis_transform(std::span<const double> scaled, std::span<const double> weight_map,
                      std::span<int> order, std::span<double> out) const;

  int side_;
  double weight_power_, weight_floor_;
  // L's lower triangle by columns, and the path Laplacian's eigenvalues.
  std::vector<std::uint32_t> laplacian_column_begin_, laplacian_row_;
  std::vector<double> laplacian_value_, path_eigenvalues_;
};

}  // namespace nslab
