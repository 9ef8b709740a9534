#include "likelihoods/prior.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"
#include "core/normal_distribution.hpp"

namespace nslab {
namespace {

TEST(NormalDistribution, QuantileInvertsTheCdfToFullPrecision) {
  for (double p : {1e-12, 1e-6, 0.01, 0.02425, 0.1, 0.5, 0.77, 0.99, 1 - 1e-9}) {
    const double x = standard_normal_quantile(p);
    EXPECT_NEAR(standard_normal_cdf(x), p, 1e-14 * std::max(1.0, p / 1e-3)) << p;
  }
  EXPECT_NEAR(standard_normal_quantile(0.975), 1.959963984540054, 1e-13);
}

TEST(ParameterPrior, TransformsRoundTripAndStayInSupport) {
  const std::vector<ParameterPrior> priors = {
      ParameterPrior::uniform(-0.1, 0.1), ParameterPrior::log_uniform(1e-6, 1e6),
      ParameterPrior::gaussian(0.0, 0.3), ParameterPrior::truncated_gaussian(0.0, 0.3, -1.0, 1.0)};
  for (const auto& prior : priors) {
    for (double u : {1e-9, 0.01, 0.3, 0.5, 0.9, 1 - 1e-9}) {
      const double x = prior.from_unit(u);
      EXPECT_NEAR(prior.to_unit(x), u, 1e-9) << prior.describe();
      EXPECT_TRUE(std::isfinite(prior.log_density(x))) << prior.describe();
    }
  }
  EXPECT_NEAR(ParameterPrior::log_uniform(1e-6, 1e6).from_unit(0.5), 1.0, 1e-14);
  EXPECT_EQ(ParameterPrior::uniform(0, 1).log_density(1.5), -INFINITY);
  EXPECT_EQ(ParameterPrior::truncated_gaussian(0, 0.3, -1, 1).log_density(-1.01), -INFINITY);
}

TEST(ParameterPrior, TruncatedGaussianDensityIntegratesToOne) {
  const auto prior = ParameterPrior::truncated_gaussian(0.2, 0.3, -0.1, 1.0);
  double integral = 0.0;
  const int n = 200000;
  const double h = 1.1 / n;
  for (int i = 0; i < n; ++i) integral += std::exp(prior.log_density(-0.1 + (i + 0.5) * h)) * h;
  EXPECT_NEAR(integral, 1.0, 1e-8);
}

TEST(ParameterPrior, RejectsMeaninglessBounds) {
  EXPECT_THROW(ParameterPrior::uniform(1, 1), UsageError);
  EXPECT_THROW(ParameterPrior::log_uniform(0, 1), UsageError);
  EXPECT_THROW(ParameterPrior::gaussian(0, 0), UsageError);
}

}  // namespace
}  // namespace nslab
