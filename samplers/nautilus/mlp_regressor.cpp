#include "samplers/nautilus/mlp_regressor.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace nslab {
namespace {

using Matrix = MlpRegressor::Matrix;
using Vector = MlpRegressor::Vector;

struct AdamMoments {
  std::vector<Matrix> weight_mean, weight_variance;
  std::vector<Vector> bias_mean, bias_variance;
};

}  // namespace

MlpRegressor MlpRegressor::from_parameters(std::vector<Matrix> weights, std::vector<Vector> biases,
                                           int epochs) {
  MlpRegressor network;
  network.weights_ = std::move(weights);
  network.biases_ = std::move(biases);
  network.epochs_ = epochs;
  return network;
}

MlpRegressor MlpRegressor::train(const Eigen::MatrixXd& inputs, const Eigen::VectorXd& targets,
                                 const NetworkRandom& random, const MlpOptions& options) {
  const Eigen::Index n = inputs.cols();
  std::vector<Eigen::Index> sizes = {inputs.rows()};
  for (int width : options.hidden) sizes.push_back(width);
  sizes.push_back(1);
  const std::size_t layers = sizes.size() - 1;

  MlpRegressor network;
  const RandomStream init = random.stream(0);
  std::uint32_t draw = 0;
  AdamMoments adam;
  for (std::size_t l = 0; l < layers; ++l) {
    const Eigen::Index fan_in = sizes[l], fan_out = sizes[l + 1];
    // Glorot uniform, the bound scikit-learn uses for ReLU networks.
    const double bound = std::sqrt(6.0 / static_cast<double>(fan_in + fan_out));
    Matrix weight(fan_out, fan_in);
    for (Eigen::Index c = 0; c < fan_in; ++c)
      for (Eigen::Index r = 0; r < fan_out; ++r)
        weight(r, c) = static_cast<float>(bound * (2.0 * init.uniform(draw++) - 1.0));
    Vector bias(fan_out);
    for (Eigen::Index r = 0; r < fan_out; ++r)
      bias[r] = static_cast<float>(bound * (2.0 * init.uniform(draw++) - 1.0));
    network.weights_.push_back(std::move(weight));
    network.biases_.push_back(std::move(bias));
    adam.weight_mean.push_back(Matrix::Zero(fan_out, fan_in));
    adam.weight_variance.push_back(Matrix::Zero(fan_out, fan_in));
    adam.bias_mean.push_back(Vector::Zero(fan_out));
    adam.bias_variance.push_back(Vector::Zero(fan_out));
  }
  if (n == 0) return network;

  const Eigen::Index batch = static_cast<Eigen::Index>(
      std::clamp<std::size_t>(options.batch_size, 1, static_cast<std::size_t>(n)));
  const Matrix all_inputs = inputs.cast<float>();
  const Vector all_targets = targets.cast<float>();
  std::vector<Matrix> activation(layers + 1), weight_gradient(layers);
  std::vector<Vector> bias_gradient(layers);
  Vector batch_targets(batch);
  Matrix delta, next_delta;
  std::vector<Eigen::Index> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), Eigen::Index{0});

  double best_loss = std::numeric_limits<double>::infinity();
  int no_improvement = 0;
  long step = 0;
  for (int epoch = 0; epoch < options.max_epochs; ++epoch) {
    const RandomStream shuffle = random.stream(static_cast<std::uint32_t>(epoch) + 1);
    for (std::size_t i = order.size() - 1; i > 0; --i)
      std::swap(order[i], order[shuffle.below(static_cast<std::uint32_t>(i), i + 1)]);

    double accumulated_loss = 0.0;
    for (Eigen::Index start = 0; start < n; start += batch) {
      const Eigen::Index size = std::min(batch, n - start);
      activation[0].resize(inputs.rows(), size);
      for (Eigen::Index k = 0; k < size; ++k) {
        const Eigen::Index i = order[static_cast<std::size_t>(start + k)];
        activation[0].col(k) = all_inputs.col(i);
        batch_targets[k] = all_targets[i];
      }
      for (std::size_t l = 0; l < layers; ++l) {
        activation[l + 1].noalias() = network.weights_[l] * activation[l];
        activation[l + 1].colwise() += network.biases_[l];
        if (l + 1 < layers) activation[l + 1] = activation[l + 1].cwiseMax(0.0f);
      }
      delta = activation[layers];
      delta.row(0) -= batch_targets.head(size).transpose();
      accumulated_loss += 0.5 * delta.cast<double>().squaredNorm();  // = batch loss x batch size
      const float inverse_size = 1.0f / static_cast<float>(size);
      for (std::size_t l = layers; l-- > 0;) {
        weight_gradient[l].noalias() = delta * activation[l].transpose() * inverse_size;
        bias_gradient[l] = delta.rowwise().sum() * inverse_size;
        if (l > 0) {
          next_delta.noalias() = network.weights_[l].transpose() * delta;
          // ReLU passes gradient only where its output was positive. A plain
          // loop: the compiler vectorises its select, where Eigen's
          // bool-to-float cast ran one element at a time (17 % of a run).
          delta.resize(next_delta.rows(), next_delta.cols());
          const float* gradient = next_delta.data();
          const float* output = activation[l].data();
          float* passed = delta.data();
          for (Eigen::Index i = 0; i < next_delta.size(); ++i) passed[i] = output[i] > 0.0f ? gradient[i] : 0.0f;
        }
      }
      ++step;
      const float rate = static_cast<float>(
          options.learning_rate * std::sqrt(1.0 - std::pow(options.beta2, static_cast<double>(step))) /
          (1.0 - std::pow(options.beta1, static_cast<double>(step))));
      const float beta1 = static_cast<float>(options.beta1), beta2 = static_cast<float>(options.beta2);
      const float epsilon = static_cast<float>(options.epsilon);
      auto update = [&](auto& parameter, auto& mean, auto& variance, const auto& gradient) {
        mean = beta1 * mean + (1.0f - beta1) * gradient;
        variance = beta2 * variance + (1.0f - beta2) * gradient.cwiseAbs2();
        parameter.array() -= rate * mean.array() / (variance.array().sqrt() + epsilon);
      };
      for (std::size_t l = 0; l < layers; ++l) {
        update(network.weights_[l], adam.weight_mean[l], adam.weight_variance[l], weight_gradient[l]);
        update(network.biases_[l], adam.bias_mean[l], adam.bias_variance[l], bias_gradient[l]);
      }
    }
    const double loss = accumulated_loss / static_cast<double>(n);
    network.epochs_ = epoch + 1;
    // scikit-learn with tol = 0: any epoch not below the best so far counts.
    no_improvement = loss > best_loss ? no_improvement + 1 : 0;
    best_loss = std::min(best_loss, loss);
    if (no_improvement > options.n_iter_no_change || !std::isfinite(loss)) break;
  }
  return network;
}

Eigen::VectorXd MlpRegressor::predict(const Eigen::MatrixXd& inputs) const {
  Matrix activation = inputs.cast<float>();
  for (std::size_t l = 0; l < weights_.size(); ++l) {
    Matrix next = weights_[l] * activation;
    next.colwise() += biases_[l];
    activation = l + 1 < weights_.size() ? Matrix(next.cwiseMax(0.0f)) : next;
  }
  return activation.row(0).transpose().cast<double>();
}

}  // namespace nslab
