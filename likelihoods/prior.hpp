#pragma once
// The four PyAutoFit priors the cells use, each as a transform from the unit
// interval (for initial draws and Nautilus) and a log density in physical
// space (for NSS's vertical slice).
#include <span>
#include <string>
#include <vector>

namespace nslab {

class ParameterPrior {
 public:
  enum class Kind { kUniform, kLogUniform, kGaussian, kTruncatedGaussian };

  static ParameterPrior uniform(double lower, double upper);
  static ParameterPrior log_uniform(double lower, double upper);
  static ParameterPrior gaussian(double mean, double sigma);
  static ParameterPrior truncated_gaussian(double mean, double sigma, double lower, double upper);

  Kind kind() const { return kind_; }
  double lower() const { return lower_; }
  double upper() const { return upper_; }
  double mean() const { return mean_; }
  double sigma() const { return sigma_; }

  // Inverse CDF: u in (0, 1) to a physical value.
  double from_unit(double u) const;
  // Inverse of from_unit (the CDF).
  double to_unit(double x) const;
  // Log density up to a constant; -inf outside the support.
  double log_density(double x) const;
  std::string describe() const;

 private:
  ParameterPrior(Kind kind, double lower, double upper, double mean, double sigma);
  Kind kind_;
  double lower_, upper_, mean_, sigma_;
  double cdf_lower_ = 0.0, cdf_upper_ = 1.0;  // truncated Gaussian only
};

class Prior {
 public:
  Prior() = default;
  explicit Prior(std::vector<ParameterPrior> parameters) : parameters_(std::move(parameters)) {}
  std::size_t dim() const { return parameters_.size(); }
  const ParameterPrior& operator[](std::size_t i) const { return parameters_[i]; }
  void from_unit(std::span<const double> unit, std::span<double> physical) const;
  void to_unit(std::span<const double> physical, std::span<double> unit) const;
  double log_density(std::span<const double> physical) const;

 private:
  std::vector<ParameterPrior> parameters_;
};

}  // namespace nslab
