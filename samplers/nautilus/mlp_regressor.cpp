#include "samplers/nautilus/mlp_regressor.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "samplers/nautilus/mlp_kernels.hpp"

namespace nslab {
namespace {

using Matrix = MlpRegressor::Matrix;
using Vector = MlpRegressor::Vector;

}  // namespace

MlpRegressor MlpRegressor::from_parameters(std::vector<Matrix> weights, std::vector<Vector> biases,
                                           int epochs, std::size_t training_samples) {
  MlpRegressor network;
  network.weights_ = std::move(weights);
  network.biases_ = std::move(biases);
  network.epochs_ = epochs;
  network.training_samples_ = training_samples;
  network.lay_out_weights();
  return network;
}

namespace {

// One layer's place in the flat parameter vector: weights (outputs x inputs,
// row-major) then biases. Adam treats the whole vector alike.
struct LayerSlot {
  std::size_t inputs, outputs, weight, bias;
};

}  // namespace

MlpRegressor MlpRegressor::train(const Eigen::MatrixXd& inputs, const Eigen::VectorXd& targets,
                                 const NetworkRandom& random, const MlpOptions& options) {
  const std::size_t n = static_cast<std::size_t>(inputs.cols());
  std::vector<std::size_t> sizes = {static_cast<std::size_t>(inputs.rows())};
  for (int width : options.hidden) sizes.push_back(static_cast<std::size_t>(width));
  sizes.push_back(1);
  const std::size_t layers = sizes.size() - 1;

  std::vector<LayerSlot> slots;
  std::size_t parameter_count = 0;
  for (std::size_t l = 0; l < layers; ++l) {
    const LayerSlot slot{sizes[l], sizes[l + 1], parameter_count, parameter_count + sizes[l] * sizes[l + 1]};
    slots.push_back(slot);
    parameter_count = slot.bias + slot.outputs;
  }
  MlpBuffer parameters(parameter_count), gradient(parameter_count, 0.0f);
  MlpBuffer mean(parameter_count, 0.0f), variance(parameter_count, 0.0f);
  const RandomStream init = random.stream(0);
  std::uint32_t draw = 0;
  for (const LayerSlot& slot : slots) {
    // Glorot uniform, the bound scikit-learn uses for ReLU networks; drawn
    // column by column, then the biases.
    const double bound = std::sqrt(6.0 / static_cast<double>(slot.inputs + slot.outputs));
    for (std::size_t c = 0; c < slot.inputs; ++c)
      for (std::size_t r = 0; r < slot.outputs; ++r)
        parameters[slot.weight + r * slot.inputs + c] = static_cast<float>(bound * (2.0 * init.uniform(draw++) - 1.0));
    for (std::size_t r = 0; r < slot.outputs; ++r)
      parameters[slot.bias + r] = static_cast<float>(bound * (2.0 * init.uniform(draw++) - 1.0));
  }
  MlpRegressor network;
  network.training_samples_ = n;
  // The trained parameters into the network's Eigen matrices and its
  // row-major copy for predict.
  auto keep_parameters = [&] {
    network.weights_.clear();
    network.biases_.clear();
    for (const LayerSlot& slot : slots) {
      using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
      network.weights_.emplace_back(Eigen::Map<const RowMajor>(
          parameters.data() + slot.weight, static_cast<Eigen::Index>(slot.outputs), static_cast<Eigen::Index>(slot.inputs)));
      network.biases_.emplace_back(Eigen::Map<const Vector>(parameters.data() + slot.bias,
                                                            static_cast<Eigen::Index>(slot.outputs)));
    }
    network.lay_out_weights();
  };
  if (n == 0) {
    keep_parameters();
    return network;
  }

  const std::size_t batch = std::clamp<std::size_t>(options.batch_size, 1, n);
  const std::size_t stride = round_up_to_lanes(batch);
  const Eigen::MatrixXf all_inputs = inputs.cast<float>();
  const Eigen::VectorXf all_targets = targets.cast<float>();
  // Each layer's weight gradient in the form expected to be cheaper; the
  // sample-panel form needs a transposed copy of the layer's inputs, except
  // for the first layer, whose copy the minibatch gather writes.
  std::vector<bool> by_dots(layers);
  for (std::size_t l = 0; l < layers; ++l) by_dots[l] = mlp_gradient_by_dots(sizes[l + 1], sizes[l], l > 0);
  // Feature panels of every layer's input and output, and of the error at
  // each; sample panels (transposes) of the inputs of the layers whose
  // gradient takes the sample-panel form; each layer's gradient as the
  // kernels write it (weights row by row, the bias after them, padded to
  // whole registers). Zero-filled once so padding columns stay finite.
  std::vector<MlpBuffer> activation(layers + 1), error(layers + 1), by_sample(layers), layer_gradient(layers);
  // Row sizes[l] of a layer's input panel is the bias's constant input,
  // which the transpose carries into the sample panel for the weight
  // gradient; rows are rounded up to whole tiles of the transpose.
  auto sample_stride = [&](std::size_t l) { return round_up_to_lanes(sizes[l] + 1); };
  for (std::size_t l = 0; l <= layers; ++l) {
    activation[l].assign(round_up_to_lanes(sizes[l] + 1) * stride, 0.0f);
    std::fill_n(activation[l].begin() + static_cast<std::ptrdiff_t>(sizes[l] * stride), stride, 1.0f);
    if (l > 0) error[l].assign(sizes[l] * stride, 0.0f);  // no error is passed to the inputs
    if (l == layers) continue;
    layer_gradient[l].assign(sizes[l + 1] * sample_stride(l), 0.0f);
    if (by_dots[l]) continue;
    by_sample[l].assign(stride * sample_stride(l), 0.0f);
    for (std::size_t k = 0; k < stride; ++k) by_sample[l][k * sample_stride(l) + sizes[l]] = 1.0f;
  }
  std::vector<float> batch_targets(batch);
  const std::size_t first_stride = sample_stride(0);
  const float beta1 = static_cast<float>(options.beta1), beta2 = static_cast<float>(options.beta2);
  const float epsilon = static_cast<float>(options.epsilon);
  std::vector<Eigen::Index> order(n);
  std::iota(order.begin(), order.end(), Eigen::Index{0});

  double best_loss = std::numeric_limits<double>::infinity();
  int no_improvement = 0;
  long step = 0;
  for (int epoch = 0; epoch < options.max_epochs; ++epoch) {
    const RandomStream shuffle = random.stream(static_cast<std::uint32_t>(epoch) + 1);
    for (std::size_t i = order.size() - 1; i > 0; --i)
      std::swap(order[i], order[shuffle.below(static_cast<std::uint32_t>(i), i + 1)]);

    double accumulated_loss = 0.0;
    for (std::size_t start = 0; start < n; start += batch) {
      const std::size_t size = std::min(batch, n - start);
      const std::size_t columns = round_up_to_lanes(size);
      for (std::size_t k = 0; k < size; ++k) {
        const Eigen::Index i = order[start + k];
        const float* point = all_inputs.col(i).data();
        for (std::size_t f = 0; f < sizes[0]; ++f) activation[0][f * stride + k] = point[f];
        if (!by_dots[0]) std::copy_n(point, sizes[0], by_sample[0].data() + k * first_stride);
        batch_targets[k] = all_targets[i];
      }
      for (std::size_t l = 0; l < layers; ++l)
        mlp_forward(parameters.data() + slots[l].weight, parameters.data() + slots[l].bias, slots[l].outputs,
                    slots[l].inputs, activation[l].data(), activation[l + 1].data(), columns, stride,
                    l + 1 < layers);
      // Half squared error; its gradient is the residual (zero in padding).
      float* residual = error[layers].data();
      double batch_loss = 0.0;
      for (std::size_t k = 0; k < columns; ++k) {
        residual[k] = k < size ? activation[layers][k] - batch_targets[k] : 0.0f;
        batch_loss += static_cast<double>(residual[k]) * residual[k];
      }
      accumulated_loss += 0.5 * batch_loss;  // = batch loss x batch size
      const float inverse_size = 1.0f / static_cast<float>(size);
      for (std::size_t l = layers; l-- > 0;) {
        const LayerSlot& slot = slots[l];
        if (by_dots[l]) {  // the error is zero in padding columns, as this form requires
          mlp_weight_gradient_by_dots(error[l + 1].data(), slot.outputs, activation[l].data(), slot.inputs,
                                      columns, stride, inverse_size, layer_gradient[l].data(), sample_stride(l));
        } else {
          if (l > 0)
            mlp_transpose(activation[l].data(), slot.inputs + 1, stride, size, by_sample[l].data(),
                          sample_stride(l));
          mlp_weight_gradient(error[l + 1].data(), slot.outputs, stride, by_sample[l].data(), slot.inputs,
                              sample_stride(l), size, inverse_size, layer_gradient[l].data(), sample_stride(l));
        }
        // Plain loops: std::copy_n of a row was a libc memmove call per row.
        for (std::size_t o = 0; o < slot.outputs; ++o) {
          const float* row = layer_gradient[l].data() + o * sample_stride(l);
          float* weights = gradient.data() + slot.weight + o * slot.inputs;
          for (std::size_t i = 0; i < slot.inputs; ++i) weights[i] = row[i];
          gradient[slot.bias + o] = row[slot.inputs];
        }
        if (l > 0)
          mlp_backward(parameters.data() + slot.weight, slot.outputs, slot.inputs, error[l + 1].data(),
                       activation[l].data(), error[l].data(), columns, stride);
      }
      ++step;
      const float rate = static_cast<float>(
          options.learning_rate * std::sqrt(1.0 - std::pow(options.beta2, static_cast<double>(step))) /
          (1.0 - std::pow(options.beta1, static_cast<double>(step))));
      mlp_adam_step(parameters.data(), mean.data(), variance.data(), gradient.data(), parameter_count, rate,
                    beta1, beta2, epsilon);
    }
    const double loss = accumulated_loss / static_cast<double>(n);
    network.epochs_ = epoch + 1;
    // scikit-learn with tol = 0: any epoch not below the best so far counts.
    no_improvement = loss > best_loss ? no_improvement + 1 : 0;
    best_loss = std::min(best_loss, loss);
    if (no_improvement > options.n_iter_no_change || !std::isfinite(loss)) break;
  }
  keep_parameters();
  return network;
}

void MlpRegressor::lay_out_weights() {
  row_major_weights_.clear();
  for (const Matrix& weight : weights_) {
    MlpBuffer rows(static_cast<std::size_t>(weight.size()));
    Eigen::Map<Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
        rows.data(), weight.rows(), weight.cols()) = weight;
    row_major_weights_.push_back(std::move(rows));
  }
}

Eigen::VectorXd MlpRegressor::predict(const Eigen::MatrixXd& inputs) const {
  const std::size_t m = static_cast<std::size_t>(inputs.cols());
  Eigen::VectorXd prediction(inputs.cols());
  if (m == 0 || weights_.empty()) return prediction.setZero();
  // Points in chunks through the training's forward kernel, as feature
  // panels ping-ponged between two buffers.
  constexpr std::size_t kChunk = 256;
  std::size_t widest = static_cast<std::size_t>(inputs.rows());
  for (const Matrix& weight : weights_) widest = std::max(widest, static_cast<std::size_t>(weight.rows()));
  MlpBuffer panel(widest * kChunk, 0.0f), next(widest * kChunk, 0.0f);
  for (std::size_t start = 0; start < m; start += kChunk) {
    const std::size_t size = std::min(kChunk, m - start), columns = round_up_to_lanes(size);
    for (std::size_t k = 0; k < size; ++k)
      for (Eigen::Index f = 0; f < inputs.rows(); ++f)
        panel[static_cast<std::size_t>(f) * kChunk + k] = static_cast<float>(inputs(f, static_cast<Eigen::Index>(start + k)));
    for (std::size_t l = 0; l < weights_.size(); ++l) {
      mlp_forward(row_major_weights_[l].data(), biases_[l].data(), static_cast<std::size_t>(weights_[l].rows()),
                  static_cast<std::size_t>(weights_[l].cols()), panel.data(), next.data(), columns, kChunk,
                  l + 1 < weights_.size());
      panel.swap(next);
    }
    for (std::size_t k = 0; k < size; ++k) prediction[static_cast<Eigen::Index>(start + k)] = panel[k];
  }
  return prediction;
}

}  // namespace nslab
