#include "samplers/nautilus/ellipsoid.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

namespace nslab {
namespace {

constexpr int kKhachiyanIterations = 100;
constexpr int kKhachiyanUpdatesPerIteration = 20;

// Inverse of a symmetric positive-definite matrix; DegenerateBound if it is not.
Eigen::MatrixXd spd_inverse(const Eigen::MatrixXd& matrix, const char* what) {
  Eigen::LLT<Eigen::MatrixXd> cholesky(matrix);
  if (cholesky.info() != Eigen::Success)
    throw DegenerateBound(std::string("ellipsoid: ") + what + " is not positive definite");
  return cholesky.solve(Eigen::MatrixXd::Identity(matrix.rows(), matrix.cols()));
}

}  // namespace

double log_unit_ball_volume(std::size_t dim) {
  const double d = static_cast<double>(dim);
  return 0.5 * d * std::log(M_PI) - std::lgamma(0.5 * d + 1.0);
}

EnclosingEllipsoid minimum_volume_enclosing_ellipsoid(const PointMatrix& points) {
  const Eigen::Index dim = points.rows(), n = points.cols();
  if (n <= dim)
    throw DegenerateBound("ellipsoid: needs more points (" + std::to_string(n) +
                          ") than dimensions (" + std::to_string(dim) + ")");
  // Lift to homogeneous coordinates q = (x, 1): the minimum-volume ellipsoid
  // problem becomes a weight vector u over points (Khachiyan 1996).
  Eigen::MatrixXd lifted(dim + 1, n);
  lifted.topRows(dim) = points;
  lifted.row(dim).setOnes();
  Eigen::VectorXd weight = Eigen::VectorXd::Constant(n, 1.0 / static_cast<double>(n));
  Eigen::MatrixXd moment = lifted * weight.asDiagonal() * lifted.transpose();
  Eigen::MatrixXd moment_inverse = spd_inverse(moment, "the point moment matrix");
  const double lifted_dim = static_cast<double>(dim + 1);

  std::vector<Eigen::Index> order(static_cast<std::size_t>(n));
  const int updates = static_cast<int>(std::min<Eigen::Index>(kKhachiyanUpdatesPerIteration, n));
  Eigen::VectorXd moment_inverse_q(dim + 1);
  // Allocated once: at n = 2,000 in 10-d a fresh product each iteration was
  // an mmap and its page faults, a fifth of this function's time.
  Eigen::MatrixXd transformed(dim + 1, n);
  Eigen::VectorXd g(n);
  for (int iteration = 0; iteration < kKhachiyanIterations; ++iteration) {
    // Within an iteration the inverse follows the rank-one updates by
    // Sherman-Morrison; once per iteration it is recomputed from the moment
    // matrix itself, so round-off cannot build up over the 2,000 updates.
    if (iteration > 0) moment_inverse = spd_inverse(moment, "the point moment matrix");
    transformed.noalias() = moment_inverse * lifted;
    g = (lifted.array() * transformed.array()).colwise().sum().transpose();
    std::iota(order.begin(), order.end(), Eigen::Index{0});
    std::partial_sort(order.begin(), order.begin() + updates, order.end(),
                      [&](Eigen::Index a, Eigen::Index b) {
                        return g[a] > g[b] || (g[a] == g[b] && a < b);
                      });
    for (int k = 0; k < updates; ++k) {
      const Eigen::Index j = order[static_cast<std::size_t>(k)];
      // The first update uses this iteration's g; later ones see the updated
      // moment matrix, as in nautilus.
      moment_inverse_q.noalias() = moment_inverse * lifted.col(j);
      const double g_j = k == 0 ? g[j] : lifted.col(j).dot(moment_inverse_q);
      if (!(g_j >= lifted_dim)) continue;
      const double step = (g_j - lifted_dim) / (lifted_dim * (g_j - 1.0));
      // ((1 - a) M + a q q^T)^-1 = (M^-1 - c M^-1 q q^T M^-1 / (1 + c g)) / (1 - a), c = a / (1 - a),
      // with g = q^T M^-1 q as this update computed it. Both rank-one
      // updates in one pass over the (d+1)^2 entries each (Eigen's outer
      // product and a separate division pass cost more than the arithmetic).
      const double c = step / (1.0 - step);
      const double k_now = c / (1.0 + c * lifted.col(j).dot(moment_inverse_q));
      const double shrink = 1.0 - step, grow = 1.0 / shrink;
      const double* q = lifted.col(j).data();
      const double* u = moment_inverse_q.data();
      for (Eigen::Index col = 0; col <= dim; ++col) {
        double* m = moment.col(col).data();
        double* m_inverse = moment_inverse.col(col).data();
        const double step_q = step * q[col], k_u = k_now * u[col];
        for (Eigen::Index row = 0; row <= dim; ++row) {
          m[row] = shrink * m[row] + step_q * q[row];
          m_inverse[row] = (m_inverse[row] - k_u * u[row]) * grow;
        }
      }
      weight *= shrink;
      weight[j] += step;
    }
  }

  EnclosingEllipsoid result;
  result.centre = points * weight;
  const Eigen::MatrixXd centred = points.colwise() - result.centre;
  result.shape_inverse = centred * weight.asDiagonal() * centred.transpose();
  const Eigen::MatrixXd shape = spd_inverse(result.shape_inverse, "the weighted covariance");
  const double scale = (centred.array() * (shape * centred).array()).colwise().sum().maxCoeff();
  if (!(scale > 0.0) || !std::isfinite(scale))
    throw DegenerateBound("ellipsoid: the points have no extent");
  result.shape_inverse *= scale;
  return result;
}

Ellipsoid Ellipsoid::enclosing(const PointMatrix& points, double enlarge_per_dim) {
  EnclosingEllipsoid mvee = minimum_volume_enclosing_ellipsoid(points);
  return from_shape_inverse(std::move(mvee.centre),
                            mvee.shape_inverse * (enlarge_per_dim * enlarge_per_dim));
}

Ellipsoid Ellipsoid::from_shape_inverse(Eigen::VectorXd centre,
                                        const Eigen::MatrixXd& shape_inverse) {
  Eigen::LLT<Eigen::MatrixXd> cholesky(shape_inverse);
  if (cholesky.info() != Eigen::Success)
    throw DegenerateBound("ellipsoid: the shape matrix is not positive definite");
  Ellipsoid ellipsoid;
  ellipsoid.centre_ = std::move(centre);
  ellipsoid.cholesky_ = cholesky.matrixL();
  ellipsoid.finish();
  return ellipsoid;
}

Ellipsoid Ellipsoid::from_cholesky(Eigen::VectorXd centre, Eigen::MatrixXd cholesky) {
  Ellipsoid ellipsoid;
  ellipsoid.centre_ = std::move(centre);
  ellipsoid.cholesky_ = std::move(cholesky);
  ellipsoid.finish();
  return ellipsoid;
}

void Ellipsoid::finish() {
  const Eigen::Index dim = cholesky_.rows();
  cholesky_inverse_ = cholesky_.triangularView<Eigen::Lower>().solve(
      Eigen::MatrixXd::Identity(dim, dim));
  log_v_ = cholesky_.diagonal().array().log().sum() + log_unit_ball_volume(dim);
  if (!std::isfinite(log_v_)) throw DegenerateBound("ellipsoid: the volume is not finite");
}

PointMatrix Ellipsoid::to_unit_ball(const PointMatrix& points) const {
  return cholesky_inverse_.triangularView<Eigen::Lower>() * (points.colwise() - centre_);
}

double Ellipsoid::squared_radius(const double* point) const {
  const Eigen::Index dim = centre_.size();
  double total = 0.0;
  // B^{-1} is lower triangular: row r only needs coordinates 0..r.
  for (Eigen::Index r = 0; r < dim; ++r) {
    double value = 0.0;
    for (Eigen::Index k = 0; k <= r; ++k) value += cholesky_inverse_(r, k) * (point[k] - centre_[k]);
    total += value * value;
  }
  return total;
}

std::vector<char> Ellipsoid::contains(const PointMatrix& points) const {
  std::vector<char> inside(static_cast<std::size_t>(points.cols()), 0);
  if (points.cols() == 0) return inside;
  const Eigen::VectorXd radius = to_unit_ball(points).colwise().squaredNorm();
  for (Eigen::Index i = 0; i < points.cols(); ++i) inside[static_cast<std::size_t>(i)] = radius[i] < 1.0;
  return inside;
}

void Ellipsoid::sample_into(double* out, const RandomStream& direction, const RandomStream& radius,
                            std::uint32_t point, std::uint32_t stride) const {
  const Eigen::Index dim = centre_.size();
  Eigen::VectorXd z(dim);
  for (Eigen::Index k = 0; k < dim; ++k)
    z[k] = direction.normal(point * stride + static_cast<std::uint32_t>(k));
  const double norm = z.norm();
  // Uniform in the ball: radius u^(1/d) along a uniform direction.
  z *= std::pow(radius.uniform(point), 1.0 / static_cast<double>(dim)) / norm;
  Eigen::Map<Eigen::VectorXd>(out, dim) =
      centre_ + cholesky_.triangularView<Eigen::Lower>() * z;
}

namespace {

// min over s of K(s) for one pair, in the frame that diagonalises both shapes.
double separating_function_minimum(const Ellipsoid& first, const Ellipsoid& second) {
  const auto lower_view = first.cholesky().triangularView<Eigen::Lower>();
  // L^{-1} A2^{-1} L^{-T}, symmetric.
  Eigen::MatrixXd relative = lower_view.solve(second.shape_inverse());
  relative = lower_view.solve(relative.transpose()).eval();
  relative = 0.5 * (relative + relative.transpose()).eval();
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(relative);
  const Eigen::VectorXd lambda = eigen.eigenvalues();
  const Eigen::VectorXd v =
      eigen.eigenvectors().transpose() * lower_view.solve(first.centre() - second.centre());
  const Eigen::ArrayXd v2 = v.array().square();
  auto k = [&](double s) {
    return 1.0 - (v2 * s * (1.0 - s) / (s + lambda.array() * (1.0 - s))).sum();
  };
  double low = 1e-9, high = 1.0 - 1e-9;
  const double ratio = 0.5 * (std::sqrt(5.0) - 1.0);
  double a = high - ratio * (high - low), b = low + ratio * (high - low);
  double ka = k(a), kb = k(b);
  for (int iteration = 0; iteration < 80; ++iteration) {
    if (ka < kb) {
      high = b;
      b = a;
      kb = ka;
      a = high - ratio * (high - low);
      ka = k(a);
    } else {
      low = a;
      a = b;
      ka = kb;
      b = low + ratio * (high - low);
      kb = k(b);
    }
  }
  return std::min(ka, kb);
}

}  // namespace

bool ellipsoids_overlap(const std::vector<const Ellipsoid*>& ellipsoids) {
  for (std::size_t i = 0; i < ellipsoids.size(); ++i)
    for (std::size_t j = i + 1; j < ellipsoids.size(); ++j)
      if (separating_function_minimum(*ellipsoids[i], *ellipsoids[j]) > 0.0) return true;
  return false;
}

}  // namespace nslab
