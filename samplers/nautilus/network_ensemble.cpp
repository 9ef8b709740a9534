#include "samplers/nautilus/network_ensemble.hpp"

#include "core/thread_pool.hpp"

namespace nslab {

NetworkEnsemble NetworkEnsemble::train(const PointMatrix& inputs, const Eigen::VectorXd& targets,
                                       std::size_t n_networks, std::uint64_t seed,
                                       std::uint32_t bound_id, std::uint32_t first_network,
                                       const MlpOptions& options) {
  NetworkEnsemble ensemble;
  const double n = static_cast<double>(inputs.cols());
  ensemble.mean_ = inputs.rowwise().mean();
  const PointMatrix centred = inputs.colwise() - ensemble.mean_;
  ensemble.scale_ = (centred.rowwise().squaredNorm() / n).cwiseSqrt();
  // A coordinate without spread carries no information; leave it unscaled
  // rather than divide by zero.
  for (Eigen::Index k = 0; k < ensemble.scale_.size(); ++k)
    if (!(ensemble.scale_[k] > 0.0)) ensemble.scale_[k] = 1.0;
  const PointMatrix standardised = ensemble.scale_.cwiseInverse().asDiagonal() * centred;
  ensemble.networks_.resize(n_networks);
  default_thread_pool().parallel_for(n_networks, [&](std::size_t k) {
    const NetworkRandom random{seed, bound_id, first_network + static_cast<std::uint32_t>(k)};
    ensemble.networks_[k] = MlpRegressor::train(standardised, targets, random, options);
  });
  return ensemble;
}

Eigen::VectorXd NetworkEnsemble::predict(const PointMatrix& inputs) const {
  Eigen::VectorXd total = Eigen::VectorXd::Zero(inputs.cols());
  if (networks_.empty() || inputs.cols() == 0) return total;
  const PointMatrix standardised = scale_.cwiseInverse().asDiagonal() * (inputs.colwise() - mean_);
  for (const MlpRegressor& network : networks_) total += network.predict(standardised);
  return total / static_cast<double>(networks_.size());
}

NetworkEnsemble NetworkEnsemble::from_parts(Eigen::VectorXd mean, Eigen::VectorXd scale,
                                            std::vector<MlpRegressor> networks) {
  NetworkEnsemble ensemble;
  ensemble.mean_ = std::move(mean);
  ensemble.scale_ = std::move(scale);
  ensemble.networks_ = std::move(networks);
  return ensemble;
}

}  // namespace nslab
