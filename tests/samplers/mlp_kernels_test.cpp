// The MLP training kernels against plain loops in double, on ragged shapes
// (widths and batch sizes that are not multiples of the register width, the
// one-output layer) and on panels placed at every float offset, so results
// that depended on alignment or on a block's remainder path would show.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "samplers/nautilus/mlp_kernels.hpp"

namespace nslab {
namespace {

// Float sums of n terms are within about n * 2^-24 of the exact sum, relative
// to the sum of the terms' magnitudes; a term missing or counted twice is
// far outside.
double tolerance(double magnitude) { return 2e-5 * magnitude + 1e-6; }

struct Shape {
  std::size_t inputs, outputs, samples;
};

const Shape kShapes[] = {{5, 100, 200}, {100, 50, 200}, {50, 20, 37}, {20, 1, 7}, {13, 3, 16}, {16, 17, 33}};

std::vector<float> random_floats(std::size_t n, std::mt19937& rng, float low = -1.0f) {
  std::uniform_real_distribution<float> u(low, 1.0f);
  std::vector<float> v(n);
  for (float& x : v) x = u(rng);
  return v;
}

// A buffer whose data starts `offset` floats past a 64-byte boundary (not
// copyable: data points into its own storage).
struct Placed {
  Placed(const Placed&) = delete;
  Placed& operator=(const Placed&) = delete;
  std::vector<float> storage;
  float* data;
  Placed(const std::vector<float>& values, std::size_t offset) : storage(values.size() + 32) {
    float* base = storage.data();
    while (reinterpret_cast<std::uintptr_t>(base) % 64 != 0) ++base;
    data = base + offset;
    std::copy(values.begin(), values.end(), data);
  }
};

TEST(MlpKernels, ForwardBackwardAndGradientsMatchPlainLoops) {
  std::mt19937 rng(11);
  for (const Shape& s : kShapes) {
    for (std::size_t offset : {0u, 3u}) {
      SCOPED_TRACE(testing::Message() << s.inputs << "->" << s.outputs << " x " << s.samples << " offset " << offset);
      const std::size_t columns = round_up_to_lanes(s.samples), stride = columns + kMlpLanes;
      const std::vector<float> w = random_floats(s.outputs * s.inputs, rng);
      const std::vector<float> bias = random_floats(s.outputs, rng);
      // Input panel with its ones row (the bias's input) and whole tiles.
      std::vector<float> a_values = random_floats(round_up_to_lanes(s.inputs + 1) * stride, rng);
      std::fill_n(a_values.begin() + static_cast<std::ptrdiff_t>(s.inputs * stride), stride, 1.0f);
      const Placed a(a_values, offset), weights(w, offset);
      auto A = [&](std::size_t i, std::size_t b) { return static_cast<double>(a.data[i * stride + b]); };

      Placed z(std::vector<float>(s.outputs * stride, 0.0f), offset);
      mlp_forward(weights.data, bias.data(), s.outputs, s.inputs, a.data, z.data, columns, stride, true);
      for (std::size_t o = 0; o < s.outputs; ++o)
        for (std::size_t b = 0; b < columns; ++b) {
          double sum = bias[o], magnitude = std::abs(bias[o]);
          for (std::size_t i = 0; i < s.inputs; ++i) {
            sum += w[o * s.inputs + i] * A(i, b);
            magnitude += std::abs(w[o * s.inputs + i] * A(i, b));
          }
          ASSERT_NEAR(z.data[o * stride + b], std::max(sum, 0.0), tolerance(magnitude)) << o << "," << b;
        }

      std::vector<float> d_values = random_floats(s.outputs * stride, rng);
      for (std::size_t o = 0; o < s.outputs; ++o)  // the error is zero past the batch
        std::fill(d_values.begin() + static_cast<std::ptrdiff_t>(o * stride + s.samples),
                  d_values.begin() + static_cast<std::ptrdiff_t>(o * stride + stride), 0.0f);
      const Placed d(d_values, offset);
      Placed p(std::vector<float>(s.inputs * stride, 0.0f), offset);
      mlp_backward(weights.data, s.outputs, s.inputs, d.data, a.data, p.data, columns, stride);
      for (std::size_t i = 0; i < s.inputs; ++i)
        for (std::size_t b = 0; b < columns; ++b) {
          double sum = 0.0, magnitude = 0.0;
          for (std::size_t o = 0; o < s.outputs; ++o) {
            sum += w[o * s.inputs + i] * d_values[o * stride + b];
            magnitude += std::abs(w[o * s.inputs + i] * d_values[o * stride + b]);
          }
          const double expected = A(i, b) > 0.0 ? sum : 0.0;
          ASSERT_NEAR(p.data[i * stride + b], expected, tolerance(magnitude)) << i << "," << b;
        }

      const std::size_t sample_stride = round_up_to_lanes(s.inputs + 1);
      Placed by_sample(std::vector<float>(stride * sample_stride, 7.0f), offset);
      mlp_transpose(a.data, s.inputs + 1, stride, s.samples, by_sample.data, sample_stride);
      for (std::size_t b = 0; b < s.samples; ++b)
        for (std::size_t i = 0; i <= s.inputs; ++i) ASSERT_EQ(by_sample.data[b * sample_stride + i], A(i, b));

      const float scale = 1.0f / static_cast<float>(s.samples);
      const std::size_t g_stride = round_up_to_lanes(s.inputs + 1);
      std::vector<float> g_panel(s.outputs * g_stride, NAN);
      mlp_weight_gradient(d.data, s.outputs, stride, by_sample.data, s.inputs, sample_stride, s.samples, scale,
                          g_panel.data(), g_stride);
      auto g = [&](std::size_t o, std::size_t i) { return g_panel[o * g_stride + i]; };
      // The dot-product form reads the feature panels directly.
      std::vector<float> dots_panel(s.outputs * g_stride, NAN);
      mlp_weight_gradient_by_dots(d.data, s.outputs, a.data, s.inputs, columns, stride, scale, dots_panel.data(),
                                  g_stride);
      auto dots = [&](std::size_t o, std::size_t i) { return dots_panel[o * g_stride + i]; };
      for (std::size_t o = 0; o < s.outputs; ++o)
        for (std::size_t i = s.inputs + 1; i < g_stride; ++i) ASSERT_TRUE(std::isfinite(g(o, i))) << o << " " << i;
      for (std::size_t o = 0; o < s.outputs; ++o) {
        double bias_sum = 0.0, bias_magnitude = 0.0;
        for (std::size_t b = 0; b < s.samples; ++b) {
          bias_sum += d_values[o * stride + b];
          bias_magnitude += std::abs(d_values[o * stride + b]);
        }
        ASSERT_NEAR(g(o, s.inputs), scale * bias_sum, scale * tolerance(bias_magnitude)) << o;
        ASSERT_NEAR(dots(o, s.inputs), scale * bias_sum, scale * tolerance(bias_magnitude)) << o;
        for (std::size_t i = 0; i < s.inputs; ++i) {
          double sum = 0.0, magnitude = 0.0;
          for (std::size_t b = 0; b < s.samples; ++b) {
            sum += d_values[o * stride + b] * A(i, b);
            magnitude += std::abs(d_values[o * stride + b] * A(i, b));
          }
          ASSERT_NEAR(g(o, i), scale * sum, scale * tolerance(magnitude)) << o << "," << i;
          ASSERT_NEAR(dots(o, i), scale * sum, scale * tolerance(magnitude)) << o << "," << i;
        }
      }
    }
  }
}

// The choice of gradient form on nautilus's layers, as mlp_kernels.hpp
// documents it (the first layer has no transpose to pay for).
TEST(MlpKernels, GradientFormChoiceOnNautilusLayers) {
  EXPECT_TRUE(mlp_gradient_by_dots(100, 5, false));
  EXPECT_TRUE(mlp_gradient_by_dots(100, 10, false));
  EXPECT_FALSE(mlp_gradient_by_dots(100, 15, false));
  EXPECT_FALSE(mlp_gradient_by_dots(50, 100, true));
  EXPECT_TRUE(mlp_gradient_by_dots(20, 50, true));
  EXPECT_TRUE(mlp_gradient_by_dots(1, 20, true));
}

TEST(MlpKernels, AdamStepIsTheSameArithmeticAtEveryOffset) {
  std::mt19937 rng(5);
  const std::size_t n = 1000;
  const std::vector<float> theta = random_floats(n, rng), mean = random_floats(n, rng);
  const std::vector<float> variance = random_floats(n, rng, 0.0f), gradient = random_floats(n, rng);
  std::vector<float> first;
  for (std::size_t offset = 0; offset < kMlpLanes; ++offset) {
    Placed t(theta, offset), m(mean, offset), v(variance, offset);
    mlp_adam_step(t.data, m.data, v.data, gradient.data(), n, 1e-2f, 0.9f, 0.999f, 1e-8f);
    const std::vector<float> result(t.data, t.data + n);
    if (offset == 0) {
      first = result;
      for (std::size_t j = 0; j < n; ++j) {
        const float mj = 0.9f * mean[j] + 0.1f * gradient[j];
        const float vj = 0.999f * variance[j] + (1.0f - 0.999f) * gradient[j] * gradient[j];
        ASSERT_NEAR(result[j], theta[j] - 1e-2f * mj / (std::sqrt(vj) + 1e-8f), 1e-6f) << j;
      }
    }
    ASSERT_EQ(result, first) << "offset " << offset;
  }
}

}  // namespace
}  // namespace nslab
