#pragma once
// An ellipsoid region {x : (x - c)^T A (x - c) < 1} (docs/nautilus.md, "The bound").
//
// Built as the minimum-volume enclosing ellipsoid of a point set (Khachiyan
// iterations), rescaled so the farthest point sits on the surface, then
// enlarged by enlarge_per_dim along every axis. Sampling maps a uniform draw
// in the unit ball through x = B z + c, where B B^T = A^{-1}.
#include <cstdint>
#include <stdexcept>
#include <vector>

#include <Eigen/Dense>

#include "core/random_stream.hpp"
#include "samplers/nautilus/point_matrix.hpp"

namespace nslab {

// The points cannot define a bound (too few, or on a lower-dimensional set).
// A bound build that meets this is abandoned, as if the bound were too large.
struct DegenerateBound : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// log of the volume of the unit ball in `dim` dimensions.
double log_unit_ball_volume(std::size_t dim);

struct EnclosingEllipsoid {
  Eigen::VectorXd centre;
  Eigen::MatrixXd shape_inverse;  // A^{-1}, scaled so the farthest point has (x-c)^T A (x-c) = 1
};
// Khachiyan's algorithm with the batched updates nautilus uses (up to 20 of
// the farthest points per iteration, 100 iterations). Throws DegenerateBound.
EnclosingEllipsoid minimum_volume_enclosing_ellipsoid(const PointMatrix& points);

class Ellipsoid {
 public:
  Ellipsoid() = default;
  // Needs more points than dimensions; throws DegenerateBound otherwise.
  static Ellipsoid enclosing(const PointMatrix& points, double enlarge_per_dim);
  // From a centre and A^{-1} directly (tests).
  static Ellipsoid from_shape_inverse(Eigen::VectorXd centre, const Eigen::MatrixXd& shape_inverse);
  // From a centre and B itself (checkpoints: refactorising B B^T could round
  // differently, and a resumed run must continue bit for bit).
  static Ellipsoid from_cholesky(Eigen::VectorXd centre, Eigen::MatrixXd cholesky);

  std::size_t dim() const { return static_cast<std::size_t>(centre_.size()); }
  const Eigen::VectorXd& centre() const { return centre_; }
  // A^{-1} = B B^T, and B itself (lower triangular).
  Eigen::MatrixXd shape_inverse() const { return cholesky_ * cholesky_.transpose(); }
  const Eigen::MatrixXd& cholesky() const { return cholesky_; }
  double log_v() const { return log_v_; }

  // Coordinates in the frame where the ellipsoid is the unit ball: B^{-1} (x - c).
  PointMatrix to_unit_ball(const PointMatrix& points) const;
  // The frame a two-way split clusters in (the unit-ball frame).
  PointMatrix transform(const PointMatrix& points) const { return to_unit_ball(points); }
  double squared_radius(const double* point) const;  // |B^{-1}(x - c)|^2
  bool contains(const double* point) const { return squared_radius(point) < 1.0; }
  // mask[i] = contains(points.col(i)).
  std::vector<char> contains(const PointMatrix& points) const;

  // A uniform point: direction from `direction` draws point * stride + k,
  // radius from `radius` draw `point`; writes dim() values to out.
  void sample_into(double* out, const RandomStream& direction, const RandomStream& radius,
                   std::uint32_t point, std::uint32_t stride) const;

 private:
  void finish();
  Eigen::VectorXd centre_;
  Eigen::MatrixXd cholesky_;          // B, lower triangular
  Eigen::MatrixXd cholesky_inverse_;  // B^{-1}
  double log_v_ = 0.0;
};

// Whether any two of the ellipsoids overlap: the separating-function test of
// Gilitschenski & Hanebeck (2012). Two ellipsoids are disjoint exactly when
// K(s) = 1 - d^T (A1^{-1}/(1-s) + A2^{-1}/s)^{-1} d is negative for some s in
// (0, 1); K is convex, so a golden-section search finds its minimum.
bool ellipsoids_overlap(const std::vector<const Ellipsoid*>& ellipsoids);

}  // namespace nslab
