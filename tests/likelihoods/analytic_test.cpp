#include <gtest/gtest.h>

#include <cmath>

#include "core/random_stream.hpp"
#include "likelihoods/analytic/gaussian.hpp"
#include "likelihoods/analytic/mixture.hpp"

namespace nslab {
namespace {

double evaluate_one(const Likelihood& likelihood, const std::vector<double>& point) {
  Workspace workspace;
  std::vector<double> log_l(1);
  likelihood.evaluate(point, log_l, workspace);
  return log_l[0];
}

// A second formulation: the density from the explicit inverse and determinant.
TEST(GaussianLikelihood, MatchesTheDensityFromTheInverseCovariance) {
  for (int dim : {2, 5, 10}) {
    GaussianLikelihood<double> likelihood(dim);
    const auto& problem = likelihood.problem();
    const Eigen::MatrixXd inverse = problem.covariance.inverse();
    const double log_det = std::log(problem.covariance.determinant());
    const RandomStream stream(3, RandomPurpose::kTest);
    for (int trial = 0; trial < 5; ++trial) {
      Eigen::VectorXd x(dim);
      for (int i = 0; i < dim; ++i) x[i] = problem.mean[i] + 0.2 * (stream.uniform(trial * dim + i) - 0.5);
      const Eigen::VectorXd r = x - problem.mean;
      const double expected = -0.5 * r.dot(inverse * r) - 0.5 * log_det - 0.5 * dim * std::log(2 * M_PI);
      EXPECT_NEAR(evaluate_one(likelihood, std::vector<double>(x.data(), x.data() + dim)), expected, 1e-10);
    }
  }
}

// Monte Carlo over the prior box agrees with the closed-form evidence.
TEST(AnalyticLikelihoods, ClosedFormEvidenceMatchesImportanceSampling) {
  GaussianLikelihood<double> likelihood(2);
  const auto& problem = likelihood.problem();
  const Eigen::MatrixXd lower = problem.covariance.llt().matrixL();
  // Importance sampling from the Gaussian itself: Z = E_q[L pi / q] = E[pi 1_box].
  const RandomStream stream(5, RandomPurpose::kTest);
  const int n = 100000;
  int inside = 0;
  for (int i = 0; i < n; ++i) {
    Eigen::Vector2d z(stream.normal(2 * i), stream.normal(2 * i + 1));
    const Eigen::Vector2d x = problem.mean + lower * z;
    inside += std::abs(x[0]) < 2 && std::abs(x[1]) < 2;
  }
  EXPECT_EQ(inside, n);  // the truncation is negligible
  EXPECT_DOUBLE_EQ(*likelihood.reference_log_evidence(), -2 * std::log(4.0));

  MixtureLikelihood<double> mixture(3);
  // Brute-force quadrature over the box in 3-D on a grid fine enough for sigma 0.05.
  const int steps = 160;
  const double h = 2.0 / steps;
  double z_sum = 0.0;
  std::vector<double> p(3);
  Workspace workspace;
  std::vector<double> points, log_l(steps);
  for (int i = 0; i < steps; ++i) {
    for (int j = 0; j < steps; ++j) {
      points.clear();
      for (int k = 0; k < steps; ++k) {
        points.push_back(-1 + (i + 0.5) * h);
        points.push_back(-1 + (j + 0.5) * h);
        points.push_back(-1 + (k + 0.5) * h);
      }
      mixture.evaluate(points, log_l, workspace);
      for (double v : log_l) z_sum += std::exp(v) * h * h * h / 8.0;
    }
  }
  EXPECT_NEAR(std::log(z_sum), *mixture.reference_log_evidence(), 1e-3);
}

TEST(AnalyticLikelihoods, Fp32AgreesWithFp64ToSinglePrecision) {
  GaussianLikelihood<double> g64(10);
  GaussianLikelihood<float> g32(10);
  std::vector<double> x(10);
  for (int i = 0; i < 10; ++i) x[i] = g64.problem().mean[i] + 0.05;
  const double a = evaluate_one(g64, x), b = evaluate_one(g32, x);
  EXPECT_NEAR(a, b, 1e-4 * std::max(1.0, std::abs(a)));
}

}  // namespace
}  // namespace nslab
