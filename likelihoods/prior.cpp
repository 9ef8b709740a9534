#include "likelihoods/prior.hpp"

#include <cmath>
#include <limits>
#include <sstream>

#include "core/error.hpp"
#include "core/normal_distribution.hpp"

namespace nslab {
namespace {
constexpr double kMinusInfinity = -std::numeric_limits<double>::infinity();
}

ParameterPrior::ParameterPrior(Kind kind, double lower, double upper, double mean, double sigma)
    : kind_(kind), lower_(lower), upper_(upper), mean_(mean), sigma_(sigma) {
  if (kind == Kind::kUniform || kind == Kind::kLogUniform || kind == Kind::kTruncatedGaussian) {
    if (!(lower < upper)) throw UsageError("prior needs lower < upper, got " + describe());
  }
  if (kind == Kind::kLogUniform && !(lower > 0.0))
    throw UsageError("log-uniform prior needs lower > 0, got " + describe());
  if ((kind == Kind::kGaussian || kind == Kind::kTruncatedGaussian) && !(sigma > 0.0))
    throw UsageError("Gaussian prior needs sigma > 0, got " + describe());
  if (kind == Kind::kTruncatedGaussian) {
    cdf_lower_ = standard_normal_cdf((lower - mean) / sigma);
    cdf_upper_ = standard_normal_cdf((upper - mean) / sigma);
  }
}

ParameterPrior ParameterPrior::uniform(double lower, double upper) {
  return {Kind::kUniform, lower, upper, 0.0, 0.0};
}
ParameterPrior ParameterPrior::log_uniform(double lower, double upper) {
  return {Kind::kLogUniform, lower, upper, 0.0, 0.0};
}
ParameterPrior ParameterPrior::gaussian(double mean, double sigma) {
  return {Kind::kGaussian, -std::numeric_limits<double>::infinity(),
          std::numeric_limits<double>::infinity(), mean, sigma};
}
ParameterPrior ParameterPrior::truncated_gaussian(double mean, double sigma, double lower,
                                                  double upper) {
  return {Kind::kTruncatedGaussian, lower, upper, mean, sigma};
}

double ParameterPrior::from_unit(double u) const {
  switch (kind_) {
    case Kind::kUniform:
      return lower_ + u * (upper_ - lower_);
    case Kind::kLogUniform:
      return lower_ * std::exp(u * std::log(upper_ / lower_));
    case Kind::kGaussian:
      return mean_ + sigma_ * standard_normal_quantile(u);
    case Kind::kTruncatedGaussian: {
      const double x =
          mean_ + sigma_ * standard_normal_quantile(cdf_lower_ + u * (cdf_upper_ - cdf_lower_));
      return std::min(std::max(x, lower_), upper_);
    }
  }
  return std::numeric_limits<double>::quiet_NaN();
}

double ParameterPrior::to_unit(double x) const {
  switch (kind_) {
    case Kind::kUniform:
      return (x - lower_) / (upper_ - lower_);
    case Kind::kLogUniform:
      return std::log(x / lower_) / std::log(upper_ / lower_);
    case Kind::kGaussian:
      return standard_normal_cdf((x - mean_) / sigma_);
    case Kind::kTruncatedGaussian:
      return (standard_normal_cdf((x - mean_) / sigma_) - cdf_lower_) / (cdf_upper_ - cdf_lower_);
  }
  return std::numeric_limits<double>::quiet_NaN();
}

double ParameterPrior::log_density(double x) const {
  if (!(x >= lower_ && x <= upper_)) return kMinusInfinity;  // also rejects NaN
  switch (kind_) {
    case Kind::kUniform:
      return -std::log(upper_ - lower_);
    case Kind::kLogUniform:
      return -std::log(x) - std::log(std::log(upper_ / lower_));
    case Kind::kGaussian:
    case Kind::kTruncatedGaussian: {
      const double z = (x - mean_) / sigma_;
      return -0.5 * z * z - std::log(sigma_ * std::sqrt(2.0 * M_PI) * (cdf_upper_ - cdf_lower_));
    }
  }
  return kMinusInfinity;
}

std::string ParameterPrior::describe() const {
  std::ostringstream out;
  switch (kind_) {
    case Kind::kUniform: out << "Uniform(" << lower_ << ", " << upper_ << ")"; break;
    case Kind::kLogUniform: out << "LogUniform(" << lower_ << ", " << upper_ << ")"; break;
    case Kind::kGaussian: out << "Gaussian(" << mean_ << ", " << sigma_ << ")"; break;
    case Kind::kTruncatedGaussian:
      out << "TruncatedGaussian(" << mean_ << ", " << sigma_ << ", [" << lower_ << ", " << upper_
          << "])";
      break;
  }
  return out.str();
}

void Prior::from_unit(std::span<const double> unit, std::span<double> physical) const {
  for (std::size_t i = 0; i < parameters_.size(); ++i) physical[i] = parameters_[i].from_unit(unit[i]);
}

void Prior::to_unit(std::span<const double> physical, std::span<double> unit) const {
  for (std::size_t i = 0; i < parameters_.size(); ++i) unit[i] = parameters_[i].to_unit(physical[i]);
}

double Prior::log_density(std::span<const double> physical) const {
  double total = 0.0;
  for (std::size_t i = 0; i < parameters_.size(); ++i) {
    total += parameters_[i].log_density(physical[i]);
    if (total == kMinusInfinity) return total;
  }
  return total;
}

}  // namespace nslab
