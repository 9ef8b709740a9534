#pragma once
// An ensemble of MLP regressors on standardised inputs, whose mean prediction
// a neural bound thresholds (nautilus's NeuralNetworkEmulator). Averaging a
// few independently initialised networks smooths the single-network noise.
#include <vector>

#include "samplers/nautilus/mlp_regressor.hpp"
#include "samplers/nautilus/point_matrix.hpp"

namespace nslab {

class NetworkEnsemble {
 public:
  NetworkEnsemble() = default;
  // Trains n_networks networks, network k with draws keyed first_network + k;
  // they train side by side on the default thread pool (each is a function of
  // its own draws, so the thread count never changes the result).
  static NetworkEnsemble train(const PointMatrix& inputs, const Eigen::VectorXd& targets,
                               std::size_t n_networks, std::uint64_t seed, std::uint32_t bound_id,
                               std::uint32_t first_network, const MlpOptions& options = {});
  Eigen::VectorXd predict(const PointMatrix& inputs) const;

  const Eigen::VectorXd& input_mean() const { return mean_; }
  const Eigen::VectorXd& input_scale() const { return scale_; }
  const std::vector<MlpRegressor>& networks() const { return networks_; }
  static NetworkEnsemble from_parts(Eigen::VectorXd mean, Eigen::VectorXd scale,
                                    std::vector<MlpRegressor> networks);

 private:
  Eigen::VectorXd mean_, scale_;
  std::vector<MlpRegressor> networks_;
};

}  // namespace nslab
