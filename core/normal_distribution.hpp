#pragma once
// Standard normal CDF and quantile in double precision, for the Gaussian and
// truncated-Gaussian prior transforms.
namespace nslab {

double standard_normal_cdf(double x);
// Inverse of standard_normal_cdf on (0, 1); relative error ~1e-15.
double standard_normal_quantile(double p);

}  // namespace nslab
