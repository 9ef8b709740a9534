#pragma once
// A small multilayer perceptron regressor trained with Adam: the network
// nautilus's neural bounds use (scikit-learn's MLPRegressor with nautilus's
// settings: hidden layers 100-50-20, ReLU, identity output, half mean squared
// error, no weight decay, learning rate 1e-2, minibatches of 200, Glorot
// uniform initialisation, reshuffled every epoch, stopped when the epoch loss
// has not improved for more than 10 epochs in a row).
//
// The arithmetic is single precision (scikit-learn's is double): the network
// only ranks points against a threshold, and float halves the cost of the
// matrix products that dominate the sampler's own time.
#include <cstdint>
#include <vector>

#include <Eigen/Dense>

#include "core/random_stream.hpp"
#include "samplers/nautilus/mlp_kernels.hpp"

namespace nslab {

struct MlpOptions {
  std::vector<int> hidden = {100, 50, 20};
  double learning_rate = 1e-2;
  std::size_t batch_size = 200;
  int n_iter_no_change = 10;
  int max_epochs = 10000;
  double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
};

// Where a network's draws come from: the initial weights use word c = 0, the
// shuffle of epoch e uses c = e + 1.
struct NetworkRandom {
  std::uint64_t seed = 0;
  std::uint32_t bound_id = 0;
  std::uint32_t network = 0;  // which network of which neural bound
  RandomStream stream(std::uint32_t c) const {
    return RandomStream(seed, RandomPurpose::kNautilusNetwork, bound_id, network, c);
  }
};

class MlpRegressor {
 public:
  using Matrix = Eigen::MatrixXf;
  using Vector = Eigen::VectorXf;

  MlpRegressor() = default;
  // inputs: n_inputs x n_samples (already standardised); targets: n_samples.
  static MlpRegressor train(const Eigen::MatrixXd& inputs, const Eigen::VectorXd& targets,
                            const NetworkRandom& random, const MlpOptions& options = {});
  // One prediction per column of inputs.
  Eigen::VectorXd predict(const Eigen::MatrixXd& inputs) const;

  int epochs() const { return epochs_; }
  std::size_t training_samples() const { return training_samples_; }
  // The training's work: samples x epochs (one forward and backward pass
  // per sample per epoch).
  double sample_epochs() const { return static_cast<double>(training_samples_) * epochs_; }
  const std::vector<Matrix>& weights() const { return weights_; }
  const std::vector<Vector>& biases() const { return biases_; }
  static MlpRegressor from_parameters(std::vector<Matrix> weights, std::vector<Vector> biases,
                                      int epochs, std::size_t training_samples);

 private:
  std::vector<Matrix> weights_;  // layer l: outputs x inputs
  std::vector<Vector> biases_;
  std::vector<MlpBuffer> row_major_weights_;  // weights_ as predict's kernel reads them
  int epochs_ = 0;
  std::size_t training_samples_ = 0;

  void lay_out_weights();
};

}  // namespace nslab
