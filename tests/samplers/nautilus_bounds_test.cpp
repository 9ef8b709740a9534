// The geometry and learning pieces of the nautilus sampler, each against an
// independent answer: closed-form volumes, a known minimum enclosing
// ellipsoid, analytic union areas, separable clusters, exact polynomial fits.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "core/log_math.hpp"
#include "samplers/nautilus/bound_union.hpp"
#include "samplers/nautilus/cube_ellipsoid_mixture.hpp"
#include "samplers/nautilus/ellipsoid.hpp"
#include "samplers/nautilus/mlp_regressor.hpp"
#include "samplers/nautilus/neural_bound.hpp"
#include "samplers/nautilus/two_component_split.hpp"

namespace nslab {
namespace {

PointMatrix gaussian_cloud(Eigen::Index dim, Eigen::Index n, const Eigen::VectorXd& mean,
                           const Eigen::VectorXd& sigma, std::uint32_t key) {
  const RandomStream stream(7, RandomPurpose::kTest, key);
  PointMatrix points(dim, n);
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index k = 0; k < dim; ++k)
      points(k, i) = mean[k] + sigma[k] * stream.normal(static_cast<std::uint32_t>(i * dim + k));
  return points;
}

TEST(NautilusEllipsoid, UnitBallVolumesAreTheClosedForms) {
  EXPECT_NEAR(std::exp(log_unit_ball_volume(2)), M_PI, 1e-12);
  EXPECT_NEAR(std::exp(log_unit_ball_volume(3)), 4.0 * M_PI / 3.0, 1e-12);
  EXPECT_NEAR(std::exp(log_unit_ball_volume(4)), M_PI * M_PI / 2.0, 1e-12);
}

TEST(NautilusEllipsoid, MinimumEnclosingEllipsoidOfAnAffineCubeIsTheImageOfItsBall) {
  // The minimum-volume ellipsoid around the 2^d corners of [-1, 1]^d is the
  // ball of radius sqrt(d); under x -> M x + b it maps to M(ball) + b.
  const int dim = 3;
  Eigen::MatrixXd transform(dim, dim);
  transform << 0.2, 0.05, 0.0, -0.03, 0.1, 0.02, 0.01, 0.0, 0.3;
  const Eigen::Vector3d offset(0.4, 0.5, 0.6);
  PointMatrix corners(dim, 1 << dim);
  for (int c = 0; c < (1 << dim); ++c)
    for (int k = 0; k < dim; ++k) corners(k, c) = (c >> k) & 1 ? 1.0 : -1.0;
  const PointMatrix points = (transform * corners).colwise() + offset;

  const Ellipsoid ellipsoid = Ellipsoid::enclosing(points, 1.0);
  const double expected = std::log(std::abs(transform.determinant())) + 0.5 * dim * std::log(dim) +
                          log_unit_ball_volume(dim);
  EXPECT_NEAR(ellipsoid.log_v(), expected, 1e-9);
  EXPECT_LT((ellipsoid.centre() - offset).norm(), 1e-12);
  double farthest = 0.0;
  for (Eigen::Index i = 0; i < points.cols(); ++i)
    farthest = std::max(farthest, ellipsoid.squared_radius(points.col(i).data()));
  EXPECT_NEAR(farthest, 1.0, 1e-9);  // the farthest point sits on the surface

  // Enlarging by f per dimension multiplies the volume by f^d and puts every
  // point strictly inside.
  const Ellipsoid enlarged = Ellipsoid::enclosing(points, 1.1);
  EXPECT_NEAR(enlarged.log_v() - ellipsoid.log_v(), dim * std::log(1.1), 1e-9);
  for (char inside : enlarged.contains(points)) EXPECT_TRUE(inside);
}

TEST(NautilusEllipsoid, TooFewOrFlatPointsAreDegenerate) {
  EXPECT_THROW(Ellipsoid::enclosing(PointMatrix::Random(3, 3), 1.1), DegenerateBound);
  PointMatrix flat = PointMatrix::Random(3, 50);
  flat.row(2) = flat.row(0) + flat.row(1);  // on a plane
  EXPECT_THROW(Ellipsoid::enclosing(flat, 1.1), DegenerateBound);
}

TEST(NautilusEllipsoid, SamplesAreUniformInside) {
  Eigen::MatrixXd shape_inverse(2, 2);
  shape_inverse << 0.04, 0.015, 0.015, 0.01;
  const Ellipsoid ellipsoid = Ellipsoid::from_shape_inverse(Eigen::Vector2d(0.5, 0.4), shape_inverse);
  const RandomStream direction(3, RandomPurpose::kTest, 1), radius(3, RandomPurpose::kTest, 2);
  const int n = 40000;
  PointMatrix points(2, n);
  for (int i = 0; i < n; ++i)
    ellipsoid.sample_into(points.col(i).data(), direction, radius, static_cast<std::uint32_t>(i), 2);
  int inner = 0;
  for (int i = 0; i < n; ++i) {
    const double r2 = ellipsoid.squared_radius(points.col(i).data());
    EXPECT_LT(r2, 1.0);
    inner += r2 < 0.25;  // the half-size ellipsoid holds 1/4 of the area
  }
  EXPECT_NEAR(inner / double(n), 0.25, 4 * std::sqrt(0.25 * 0.75 / n));
  const Eigen::Vector2d mean = points.rowwise().mean();
  EXPECT_LT((mean - ellipsoid.centre()).norm(), 0.003);
  // Uniform in a d-ball: covariance A^{-1} / (d + 2).
  const PointMatrix centred = points.colwise() - mean;
  const Eigen::Matrix2d covariance = centred * centred.transpose() / n;
  EXPECT_LT((covariance - shape_inverse / 4.0).cwiseAbs().maxCoeff(), 3e-4);
}

TEST(NautilusEllipsoid, OverlapTestSeparatesTouchingFromDisjoint) {
  const Eigen::Matrix2d unit = Eigen::Matrix2d::Identity();
  const Ellipsoid a = Ellipsoid::from_shape_inverse(Eigen::Vector2d(0, 0), unit);
  const Ellipsoid near = Ellipsoid::from_shape_inverse(Eigen::Vector2d(1.9, 0), unit);
  const Ellipsoid far = Ellipsoid::from_shape_inverse(Eigen::Vector2d(2.1, 0), unit);
  EXPECT_TRUE(ellipsoids_overlap({&a, &near}));
  EXPECT_FALSE(ellipsoids_overlap({&a, &far}));
  // Long thin ellipses (semi-axes 2 and 0.1) stacked 0.3 apart are disjoint
  // although their bounding circles overlap; 0.15 apart they overlap.
  Eigen::Matrix2d thin;
  thin << 4.0, 0.0, 0.0, 0.01;
  const Ellipsoid low = Ellipsoid::from_shape_inverse(Eigen::Vector2d(0, 0), thin);
  const Ellipsoid high = Ellipsoid::from_shape_inverse(Eigen::Vector2d(0, 0.3), thin);
  const Ellipsoid close = Ellipsoid::from_shape_inverse(Eigen::Vector2d(0, 0.15), thin);
  EXPECT_FALSE(ellipsoids_overlap({&low, &high}));
  EXPECT_TRUE(ellipsoids_overlap({&low, &close}));
  EXPECT_TRUE(ellipsoids_overlap({&high, &low, &close}));
}

TEST(NautilusCubeEllipsoidMixture, AFilledDimensionGoesToTheCube) {
  // x0 fills [0, 1); x1 is narrow: enclosing x0 costs more than the cube.
  const int n = 400;
  PointMatrix points(2, n);
  const RandomStream stream(5, RandomPurpose::kTest, 3);
  for (int i = 0; i < n; ++i) {
    points(0, i) = stream.uniform(2 * i);
    points(1, i) = 0.5 + 0.02 * stream.normal(2 * i + 1);
  }
  const auto mixture = CubeEllipsoidMixture::enclosing(points, 1.1);
  EXPECT_EQ(mixture.cube_dims(), (std::vector<char>{1, 0}));
  ASSERT_TRUE(mixture.ellipsoid().has_value());
  EXPECT_LT(mixture.log_v(), std::log(0.2));
  for (int i = 0; i < n; ++i) EXPECT_TRUE(mixture.contains(points.col(i).data()));

  // A compact cloud stays a full ellipsoid.
  const auto compact = CubeEllipsoidMixture::enclosing(
      gaussian_cloud(3, 300, Eigen::Vector3d(0.5, 0.5, 0.5), Eigen::Vector3d(0.03, 0.05, 0.02), 9), 1.1);
  EXPECT_EQ(compact.cube_dims(), (std::vector<char>(3, 0)));
}

TEST(NautilusBoundUnion, MonteCarloVolumeOfTwoOverlappingDisksIsTheirUnionArea) {
  // Two disks of radius r at distance s: union area 2 pi r^2 minus the lens.
  const double r = 0.2, s = 0.25;
  BoundUnion<Ellipsoid>::Parts parts;
  parts.dim = 2;
  parts.random = BoundRandom{11, 1, BoundPart::kOuterUnion};
  for (double x : {0.5 - s / 2, 0.5 + s / 2}) {
    parts.members.push_back(Ellipsoid::from_shape_inverse(Eigen::Vector2d(x, 0.5),
                                                          Eigen::Matrix2d::Identity() * r * r));
    parts.member_points.emplace_back(2, 0);
    parts.blocked.push_back(1);
  }
  auto union_ = BoundUnion<Ellipsoid>::from_parts(parts);
  const PointMatrix points = union_.take(100000);
  const double lens = 2 * r * r * std::acos(s / (2 * r)) - 0.5 * s * std::sqrt(4 * r * r - s * s);
  const double area = 2 * M_PI * r * r - lens;
  const double accepted = 1.0 - double(union_.n_reject()) / double(union_.n_sample());
  EXPECT_NEAR(std::exp(union_.log_v()), area, 4 * area * std::sqrt((1 - accepted) / accepted / union_.n_sample()));
  // Uniform over the union: the share in the lens is lens / area.
  int in_both = 0;
  for (Eigen::Index i = 0; i < points.cols(); ++i)
    in_both += parts.members[0].contains(points.col(i).data()) && parts.members[1].contains(points.col(i).data());
  const double p = lens / area;
  EXPECT_NEAR(in_both / double(points.cols()), p, 4 * std::sqrt(p * (1 - p) / points.cols()));
}

TEST(NautilusBoundUnion, SplittingSeparatesTwoClustersAndShrinksTheVolume) {
  PointMatrix points(2, 600);
  points << gaussian_cloud(2, 300, Eigen::Vector2d(0.25, 0.3), Eigen::Vector2d(0.02, 0.03), 1),
      gaussian_cloud(2, 300, Eigen::Vector2d(0.7, 0.75), Eigen::Vector2d(0.03, 0.02), 2);
  auto union_ = BoundUnion<Ellipsoid>::enclosing(points, 1.1, 52, BoundRandom{3, 1, BoundPart::kInnerUnion});
  const double before = union_.members()[0].log_v();
  EXPECT_TRUE(union_.split(/*allow_overlap=*/false));
  ASSERT_EQ(union_.members().size(), 2u);
  EXPECT_LT(log_add_exp(union_.members()[0].log_v(), union_.members()[1].log_v()), before - 1.0);
  for (Eigen::Index i = 0; i < points.cols(); ++i) EXPECT_TRUE(union_.contains(points.col(i).data()));
}

TEST(NautilusTwoComponentSplit, LabelsTwoSeparatedBlobsExactly) {
  PointMatrix points(3, 400);
  points << gaussian_cloud(3, 150, Eigen::Vector3d(-2, 0, 0), Eigen::Vector3d(0.5, 0.5, 0.5), 4),
      gaussian_cloud(3, 250, Eigen::Vector3d(2, 1, 0), Eigen::Vector3d(0.4, 0.6, 0.3), 5);
  const auto labels = split_in_two(points, 10, BoundRandom{1, 1, BoundPart::kInnerUnion}, 0);
  ASSERT_TRUE(labels.has_value());
  for (int i = 1; i < 150; ++i) EXPECT_EQ((*labels)[i], (*labels)[0]);
  for (int i = 150; i < 400; ++i) EXPECT_NE((*labels)[i], (*labels)[0]);
  // A component that ends up too small takes the points it explains best.
  const auto forced = split_in_two(points, 200, BoundRandom{1, 1, BoundPart::kInnerUnion}, 0);
  const int ones = std::accumulate(forced->begin(), forced->end(), 0);
  EXPECT_GE(std::min(ones, 400 - ones), 200);
}

TEST(NautilusMlpRegressor, LearnsASmoothFunctionAndIsAFunctionOfItsKey) {
  const int n = 600;
  Eigen::MatrixXd inputs(2, n);
  Eigen::VectorXd targets(n);
  const RandomStream stream(2, RandomPurpose::kTest, 4);
  for (int i = 0; i < n; ++i) {
    inputs(0, i) = 2 * stream.uniform(2 * i) - 1;
    inputs(1, i) = 2 * stream.uniform(2 * i + 1) - 1;
    targets[i] = std::sin(2 * inputs(0, i)) + inputs(1, i) * inputs(1, i);
  }
  const double variance = (targets.array() - targets.mean()).square().mean();
  const MlpRegressor network = MlpRegressor::train(inputs, targets, NetworkRandom{1, 2, 3});
  const double mse = (network.predict(inputs) - targets).squaredNorm() / n;
  EXPECT_LT(mse, 0.01 * variance) << "epochs " << network.epochs();
  EXPECT_GT(network.epochs(), 11);

  const MlpRegressor again = MlpRegressor::train(inputs, targets, NetworkRandom{1, 2, 3});
  EXPECT_EQ(again.predict(inputs), network.predict(inputs));
  const MlpRegressor other = MlpRegressor::train(inputs, targets, NetworkRandom{1, 2, 4});
  EXPECT_NE(other.predict(inputs), network.predict(inputs));
}

TEST(NautilusNeuralBound, RanksAveragedOverTiesAndCubicFitIsExact) {
  EXPECT_EQ(average_ranks({3.0, 1.0, 3.0, 2.0, 3.0}), (std::vector<double>{4, 1, 4, 2, 4}));
  Eigen::VectorXd x(6), y(6);
  x << 0.0, 0.1, 0.3, 0.5, 0.8, 1.0;
  for (int i = 0; i < 6; ++i) y[i] = 0.2 - x[i] + 3 * x[i] * x[i] - 0.5 * x[i] * x[i] * x[i];
  EXPECT_NEAR(polynomial_fit_at(x, y, 3, 0.7), 0.2 - 0.7 + 3 * 0.49 - 0.5 * 0.343, 1e-12);
}

TEST(NautilusNeuralBound, KeepsTheHighLikelihoodRegionAndCutsTheRest) {
  // log L = -max |x_k - 1/2| makes the live set (top 200 of 2000) a square;
  // the ellipse around it holds nearly as many lower points, in the corners
  // between square and ellipse, and the networks should cut most of those.
  const int n = 2000;
  PointMatrix points(2, n);
  std::vector<double> log_l(n);
  const RandomStream stream(4, RandomPurpose::kTest, 6);
  for (int i = 0; i < n; ++i) {
    points(0, i) = stream.uniform(2 * i);
    points(1, i) = stream.uniform(2 * i + 1);
    log_l[i] = -(points.col(i).array() - 0.5).abs().maxCoeff();
  }
  std::vector<double> sorted = log_l;
  std::sort(sorted.begin(), sorted.end());
  const double log_l_min = sorted[n - 200];
  const NeuralBound bound = NeuralBound::compute(points, log_l, log_l_min, 1.1, 4, 5, 1, 0);
  std::vector<char> inside(n, 0);
  bound.add_contained(points, inside);
  int live_inside = 0, live = 0, low_inside = 0, low_in_ellipsoid = 0;
  for (int i = 0; i < n; ++i) {
    if (log_l[i] >= log_l_min) {
      ++live;
      live_inside += inside[i];
    } else if (bound.ellipsoid().contains(points.col(i).data())) {
      ++low_in_ellipsoid;
      low_inside += inside[i];
    }
  }
  EXPECT_GT(live_inside, 0.9 * live);
  EXPECT_GT(low_in_ellipsoid, 100);  // the ellipsoid alone is loose
  EXPECT_LT(low_inside, 0.5 * low_in_ellipsoid);
}

}  // namespace
}  // namespace nslab
