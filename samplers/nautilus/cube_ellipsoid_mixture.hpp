#pragma once
// A unit cube along some dimensions times an ellipsoid along the rest
// (docs/nautilus.md, "The bound"). Dimensions where the points fill the unit
// interval anyway are cheaper to sample from the cube than to enclose; which
// ones is chosen greedily by volume, as nautilus does.
#include <optional>
#include <vector>

#include "samplers/nautilus/ellipsoid.hpp"

namespace nslab {

class CubeEllipsoidMixture {
 public:
  CubeEllipsoidMixture() = default;
  // Throws DegenerateBound when the points cannot be enclosed.
  static CubeEllipsoidMixture enclosing(const PointMatrix& points, double enlarge_per_dim);
  // From explicit parts (checkpoints): cube_dims[k] set means dimension k is the cube's.
  static CubeEllipsoidMixture from_parts(std::vector<char> cube_dims,
                                         std::optional<Ellipsoid> ellipsoid);

  std::size_t dim() const { return cube_dims_.size(); }
  const std::vector<char>& cube_dims() const { return cube_dims_; }
  const std::optional<Ellipsoid>& ellipsoid() const { return ellipsoid_; }
  // The cube part has volume 1, so the volume is the ellipsoid's.
  double log_v() const { return ellipsoid_ ? ellipsoid_->log_v() : 0.0; }

  // Cube dimensions to [-1, 1], ellipsoid dimensions to its unit-ball frame.
  PointMatrix transform(const PointMatrix& points) const;
  bool contains(const double* point) const;
  // Cube coordinates from `cube` draws point * stride + k; the ellipsoid's
  // from `direction` and `radius` (see Ellipsoid::sample_into).
  void sample_into(double* out, const RandomStream& direction, const RandomStream& radius,
                   const RandomStream& cube, std::uint32_t point, std::uint32_t stride) const;

 private:
  void index_dims();
  std::vector<char> cube_dims_;
  std::vector<Eigen::Index> cube_index_, ellipsoid_index_;
  std::optional<Ellipsoid> ellipsoid_;
};

}  // namespace nslab
