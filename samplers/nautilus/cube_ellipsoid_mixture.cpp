#include "samplers/nautilus/cube_ellipsoid_mixture.hpp"

#include <cmath>
#include <limits>

namespace nslab {
namespace {

PointMatrix rows_where(const PointMatrix& points, const std::vector<char>& cube_dims, bool cube) {
  Eigen::Index count = 0;
  for (char c : cube_dims) count += (c != 0) == cube;
  PointMatrix selected(count, points.cols());
  Eigen::Index next = 0;
  for (std::size_t k = 0; k < cube_dims.size(); ++k)
    if ((cube_dims[k] != 0) == cube) selected.row(next++) = points.row(static_cast<Eigen::Index>(k));
  return selected;
}

// The log volume (up to a constant) of the ellipsoid's projection without
// local coordinate `drop`, rescaled to just enclose the projected points:
// the cheap estimate nautilus uses to pick the next dimension for the cube.
double projected_log_volume(const PointMatrix& points, const Ellipsoid& ellipsoid, Eigen::Index drop) {
  const Eigen::Index dim = points.rows();
  std::vector<Eigen::Index> keep;
  for (Eigen::Index k = 0; k < dim; ++k)
    if (k != drop) keep.push_back(k);
  const Eigen::Index m = static_cast<Eigen::Index>(keep.size());
  const Eigen::MatrixXd full_inverse = ellipsoid.shape_inverse();
  Eigen::MatrixXd shape_inverse(m, m);
  Eigen::VectorXd centre(m);
  PointMatrix projected(m, points.cols());
  for (Eigen::Index a = 0; a < m; ++a) {
    centre[a] = ellipsoid.centre()[keep[a]];
    projected.row(a) = points.row(keep[a]);
    for (Eigen::Index b = 0; b < m; ++b) shape_inverse(a, b) = full_inverse(keep[a], keep[b]);
  }
  Eigen::LLT<Eigen::MatrixXd> cholesky(shape_inverse);
  if (cholesky.info() != Eigen::Success) return std::numeric_limits<double>::infinity();
  const PointMatrix centred = projected.colwise() - centre;
  const double scale = (centred.array() * cholesky.solve(centred).array()).colwise().sum().maxCoeff();
  return 2.0 * Eigen::MatrixXd(cholesky.matrixL()).diagonal().array().log().sum() +
         static_cast<double>(m) * std::log(scale);
}

}  // namespace

CubeEllipsoidMixture CubeEllipsoidMixture::enclosing(const PointMatrix& points,
                                                     double enlarge_per_dim) {
  const std::size_t dim = static_cast<std::size_t>(points.rows());
  std::vector<char> cube_dims(dim, 0);
  // Phase 1: from the full ellipsoid, move dimensions to the cube one at a
  // time while that shrinks the volume.
  std::optional<Ellipsoid> ellipsoid = Ellipsoid::enclosing(points, enlarge_per_dim);
  double log_v = ellipsoid->log_v();
  for (;;) {
    std::vector<std::size_t> active;
    for (std::size_t k = 0; k < dim; ++k)
      if (!cube_dims[k]) active.push_back(k);
    if (active.size() <= 1) break;
    const PointMatrix active_points = rows_where(points, cube_dims, false);
    Eigen::Index best = 0;
    double best_log_v = std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < active.size(); ++i) {
      const double value = projected_log_volume(active_points, *ellipsoid, static_cast<Eigen::Index>(i));
      if (value < best_log_v) {
        best_log_v = value;
        best = static_cast<Eigen::Index>(i);
      }
    }
    const std::size_t moved = active[static_cast<std::size_t>(best)];
    cube_dims[moved] = 1;
    Ellipsoid projected = Ellipsoid::enclosing(rows_where(points, cube_dims, false), enlarge_per_dim);
    if (projected.log_v() < log_v) {
      ellipsoid = std::move(projected);
      log_v = ellipsoid->log_v();
    } else {
      cube_dims[moved] = 0;
      break;
    }
  }
  // Phase 2: the greedy path can end larger than the unit cube itself; then
  // start from the cube and move dimensions to the ellipsoid while that helps.
  if (log_v > 0.0) {
    ellipsoid.reset();
    log_v = 0.0;
    cube_dims.assign(dim, 1);
    std::vector<char> tested(dim, 0);
    auto all_tested = [&] {
      for (char t : tested)
        if (!t) return false;
      return true;
    };
    while (!all_tested()) {
      std::vector<std::size_t> candidates;
      for (std::size_t k = 0; k < dim; ++k)
        if (!tested[k]) candidates.push_back(k);
      for (std::size_t k : candidates) {
        cube_dims[k] = 0;
        tested[k] = 1;
        Ellipsoid trial = Ellipsoid::enclosing(rows_where(points, cube_dims, false), enlarge_per_dim);
        if (log_v > trial.log_v()) {
          ellipsoid = std::move(trial);
          log_v = ellipsoid->log_v();
          for (std::size_t j = 0; j < dim; ++j)
            if (cube_dims[j]) tested[j] = 0;
        } else {
          cube_dims[k] = 1;
        }
      }
    }
  }
  return from_parts(std::move(cube_dims), std::move(ellipsoid));
}

CubeEllipsoidMixture CubeEllipsoidMixture::from_parts(std::vector<char> cube_dims,
                                                      std::optional<Ellipsoid> ellipsoid) {
  CubeEllipsoidMixture mixture;
  mixture.cube_dims_ = std::move(cube_dims);
  mixture.ellipsoid_ = std::move(ellipsoid);
  mixture.index_dims();
  return mixture;
}

void CubeEllipsoidMixture::index_dims() {
  cube_index_.clear();
  ellipsoid_index_.clear();
  for (std::size_t k = 0; k < cube_dims_.size(); ++k)
    (cube_dims_[k] ? cube_index_ : ellipsoid_index_).push_back(static_cast<Eigen::Index>(k));
}

PointMatrix CubeEllipsoidMixture::transform(const PointMatrix& points) const {
  PointMatrix result(points.rows(), points.cols());
  for (Eigen::Index k : cube_index_) result.row(k) = points.row(k).array() * 2.0 - 1.0;
  if (ellipsoid_) {
    const PointMatrix local = ellipsoid_->to_unit_ball(rows_where(points, cube_dims_, false));
    for (std::size_t a = 0; a < ellipsoid_index_.size(); ++a)
      result.row(ellipsoid_index_[a]) = local.row(static_cast<Eigen::Index>(a));
  }
  return result;
}

bool CubeEllipsoidMixture::contains(const double* point) const {
  for (Eigen::Index k : cube_index_)
    if (!(point[k] >= 0.0 && point[k] < 1.0)) return false;
  if (!ellipsoid_) return true;
  double local[64];
  std::vector<double> heap;
  double* buffer = local;
  if (ellipsoid_index_.size() > 64) {
    heap.resize(ellipsoid_index_.size());
    buffer = heap.data();
  }
  for (std::size_t a = 0; a < ellipsoid_index_.size(); ++a) buffer[a] = point[ellipsoid_index_[a]];
  return ellipsoid_->contains(buffer);
}

void CubeEllipsoidMixture::sample_into(double* out, const RandomStream& direction,
                                       const RandomStream& radius, const RandomStream& cube,
                                       std::uint32_t point, std::uint32_t stride) const {
  for (Eigen::Index k : cube_index_)
    out[k] = cube.uniform(point * stride + static_cast<std::uint32_t>(k));
  if (!ellipsoid_) return;
  std::vector<double> local(ellipsoid_index_.size());
  ellipsoid_->sample_into(local.data(), direction, radius, point, stride);
  for (std::size_t a = 0; a < ellipsoid_index_.size(); ++a) out[ellipsoid_index_[a]] = local[a];
}

}  // namespace nslab
