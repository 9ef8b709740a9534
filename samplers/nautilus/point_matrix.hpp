#pragma once
// Point sets in the unit cube as the bounds see them: a dim x count matrix,
// one point per column. Its storage is the same as a row-major count x dim
// array, which is how shells keep their points, so the two map onto each other
// without copies.
#include <cstddef>
#include <vector>

#include <Eigen/Dense>

namespace nslab {

using PointMatrix = Eigen::MatrixXd;

inline Eigen::Map<const PointMatrix> as_point_matrix(const std::vector<double>& rows,
                                                     std::size_t dim) {
  return {rows.data(), static_cast<Eigen::Index>(dim),
          static_cast<Eigen::Index>(dim == 0 ? 0 : rows.size() / dim)};
}

// The columns of `points` where mask[i] is set.
inline PointMatrix select_columns(const PointMatrix& points, const std::vector<char>& mask) {
  Eigen::Index count = 0;
  for (char m : mask) count += m ? 1 : 0;
  PointMatrix selected(points.rows(), count);
  Eigen::Index next = 0;
  for (Eigen::Index i = 0; i < points.cols(); ++i)
    if (mask[static_cast<std::size_t>(i)]) selected.col(next++) = points.col(i);
  return selected;
}

}  // namespace nslab
