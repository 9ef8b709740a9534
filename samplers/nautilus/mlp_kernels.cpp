#include "samplers/nautilus/mlp_kernels.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <utility>

// Lanes values pass between functions of this file only, so the calling
// convention of a 64-byte vector on targets without AVX-512 (portable
// builds) does not matter.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace nslab {
namespace {

// One register of kMlpLanes floats (a GCC vector extension: the compiler
// maps it to whatever SIMD the target has; the transpose's __builtin_shuffle
// is GCC's spelling, Clang would need __builtin_shufflevector).
typedef float Lanes __attribute__((vector_size(kMlpLanes * sizeof(float))));

inline Lanes load(const float* p) {
  Lanes v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

inline void store(float* p, const Lanes& v) { std::memcpy(p, &v, sizeof v); }

// The one product all three passes are: out(r, c) = sum_{k < depth}
// coef(r, k) x(k, c), with coef(r, k) = coef[r * row_step + k * depth_step]
// and x a row-major panel of stride `stride`. A block of R rows x V
// registers of columns is accumulated in registers over the whole depth, then
// handed to the epilogue, which finishes and stores it.
struct Product {
  const float* coef;
  std::size_t row_step, depth_step, depth;
  const float* x;
  std::size_t stride;
};

template <int R, int V, class Epilogue>
inline void block(const Product& p, std::size_t r0, std::size_t c0, const Epilogue& finish) {
  Lanes acc[R][V] = {};
  const float* coef = p.coef + r0 * p.row_step;
  const float* x = p.x + c0;
  for (std::size_t k = 0; k < p.depth; ++k, x += p.stride, coef += p.depth_step) {
    Lanes xv[V];
#pragma GCC unroll 4
    for (int v = 0; v < V; ++v) xv[v] = load(x + v * kMlpLanes);
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r) {
      const float c = coef[r * p.row_step];
#pragma GCC unroll 4
      for (int v = 0; v < V; ++v) acc[r][v] += c * xv[v];
    }
  }
#pragma GCC unroll 16
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 4
    for (int v = 0; v < V; ++v) finish(r0 + r, c0 + v * kMlpLanes, acc[r][v]);
}

// Rows per register block for V registers of columns: as many accumulators
// as the register file holds beside the operands (24 of 32 with AVX-512),
// so each column load and each broadcast feeds several multiply-adds.
#ifdef __AVX512F__
constexpr int kAccumulators = 24;
#else
constexpr int kAccumulators = 6;  // 16 narrower registers, each Lanes several of them
#endif

template <int V>
constexpr int block_rows() {
  constexpr int rows = kAccumulators / V;
  return rows >= 16 ? 16 : rows >= 8 ? 8 : rows >= 6 ? 6 : rows >= 4 ? 4 : rows >= 2 ? 2 : 1;
}

// Rows in blocks of R, the rest in blocks of R/2, R/4, ..., 1.
template <int R, int V, class Epilogue>
void rows_of(const Product& p, std::size_t r0, std::size_t rows, std::size_t c0, const Epilogue& finish) {
  for (; r0 + R <= rows; r0 += R) block<R, V>(p, r0, c0, finish);
  if constexpr (R > 1) rows_of<R / 2, V>(p, r0, rows, c0, finish);
}

// Column blocks outermost: the depth x block slice of x stays in L1 while
// every row block runs over it. Blocks are 3 registers wide, with one block
// of 4 or 2 where the count needs it, so no block is a lone register (whose
// rows would each be a broadcast for a single multiply-add) unless the
// whole product is one register wide.
template <class Epilogue>
void product(const Product& p, std::size_t rows, std::size_t columns, const Epilogue& finish) {
  std::size_t registers = columns / kMlpLanes, c0 = 0;
  auto next_block = [&](std::size_t width) {
    switch (width) {
      case 4: rows_of<block_rows<4>(), 4>(p, 0, rows, c0, finish); break;
      case 3: rows_of<block_rows<3>(), 3>(p, 0, rows, c0, finish); break;
      case 2: rows_of<block_rows<2>(), 2>(p, 0, rows, c0, finish); break;
      default: rows_of<block_rows<1>(), 1>(p, 0, rows, c0, finish); break;
    }
    c0 += width * kMlpLanes;
    registers -= width;
  };
  if (registers % 3 == 1 && registers >= 4) next_block(4);
  if (registers % 3 == 2) next_block(2);
  while (registers > 0) next_block(registers >= 3 ? 3 : registers);
}

// One round of the tile transpose: rows r and r + h (r & h == 0) exchange
// their lanes j + h and j (j & h == 0).
typedef int LaneIndex __attribute__((vector_size(kMlpLanes * sizeof(int))));

template <int h, int... j>
constexpr LaneIndex low_lanes(std::integer_sequence<int, j...>) {
  return LaneIndex{((j & h) == 0 ? j : 16 + j - h)...};
}

template <int h, int... j>
constexpr LaneIndex high_lanes(std::integer_sequence<int, j...>) {
  return LaneIndex{((j & h) == 0 ? j + h : 16 + j)...};
}

template <int h>
inline void transpose_round(Lanes* tile) {
  constexpr LaneIndex low = low_lanes<h>(std::make_integer_sequence<int, 16>{});
  constexpr LaneIndex high = high_lanes<h>(std::make_integer_sequence<int, 16>{});
  for (int r = 0; r < 16; ++r) {
    if (r & h) continue;
    const Lanes x = tile[r], y = tile[r + h];
    tile[r] = __builtin_shuffle(x, y, low);
    tile[r + h] = __builtin_shuffle(x, y, high);
  }
}

// One round of the reduction of 2h registers to h: registers r and r + h
// (r & h == 0) become one whose lanes j with j & h == 0 hold r's lane sums
// j + (j + h), the others r + h's. After rounds 8, 4, 2 and 1, lane j of
// register 0 is the sum of register j's lanes.
template <int h>
inline void reduce_round(Lanes* tile) {
  constexpr LaneIndex low = low_lanes<h>(std::make_integer_sequence<int, 16>{});
  constexpr LaneIndex high = high_lanes<h>(std::make_integer_sequence<int, 16>{});
  for (int r = 0; r < h; ++r) {
    const Lanes x = tile[r], y = tile[r + h];
    tile[r] = __builtin_shuffle(x, y, low) + __builtin_shuffle(x, y, high);
  }
}

}  // namespace

void mlp_forward(const float* w, const float* bias, std::size_t outputs, std::size_t inputs,
                 const float* a, float* z, std::size_t columns, std::size_t stride, bool relu) {
  const Product p{w, inputs, 1, inputs, a, stride};
  const Lanes zero = {};
  if (relu) {
    product(p, outputs, columns, [&](std::size_t o, std::size_t b, const Lanes& sum) {
      const Lanes biased = sum + bias[o];
      store(z + o * stride + b, biased > zero ? biased : zero);
    });
  } else {
    product(p, outputs, columns,
            [&](std::size_t o, std::size_t b, const Lanes& sum) { store(z + o * stride + b, sum + bias[o]); });
  }
}

void mlp_backward(const float* w, std::size_t outputs, std::size_t inputs, const float* d,
                  const float* a, float* p, std::size_t columns, std::size_t stride) {
  const Lanes zero = {};
  product(Product{w, 1, inputs, outputs, d, stride}, inputs, columns,
          [&](std::size_t i, std::size_t b, const Lanes& sum) {
            const Lanes active = load(a + i * stride + b);
            store(p + i * stride + b, active > zero ? sum : zero);
          });
}

void mlp_weight_gradient(const float* d, std::size_t outputs, std::size_t d_stride, const float* a,
                         std::size_t inputs, std::size_t a_stride, std::size_t samples, float scale,
                         float* g, std::size_t g_stride) {
  product(Product{d, d_stride, 1, samples, a, a_stride}, outputs, round_up_to_lanes(inputs + 1),
          [&](std::size_t o, std::size_t i, const Lanes& gradient) { store(g + o * g_stride + i, gradient * scale); });
}

void mlp_weight_gradient_by_dots(const float* d, std::size_t outputs, const float* a, std::size_t inputs,
                                 std::size_t columns, std::size_t stride, float scale, float* g,
                                 std::size_t g_stride) {
  static_assert(kMlpLanes == 16, "the reduction is written for 16 lanes");
  // Blocks of 4 outputs x 4 inputs: 16 accumulators, reduced together to
  // one register. Rows past the end repeat the last one; their sums are
  // dropped.
  constexpr std::size_t kBlock = 4;
  for (std::size_t o0 = 0; o0 < outputs; o0 += kBlock)
    for (std::size_t i0 = 0; i0 <= inputs; i0 += kBlock) {
      const float* d_rows[kBlock];
      const float* a_rows[kBlock];
      for (std::size_t r = 0; r < kBlock; ++r) {
        d_rows[r] = d + std::min(o0 + r, outputs - 1) * stride;
        a_rows[r] = a + std::min(i0 + r, inputs) * stride;
      }
      Lanes tile[16] = {};
      for (std::size_t b = 0; b < columns; b += kMlpLanes) {
        Lanes dv[kBlock], av[kBlock];
        for (std::size_t r = 0; r < kBlock; ++r) {
          dv[r] = load(d_rows[r] + b);
          av[r] = load(a_rows[r] + b);
        }
        for (std::size_t r = 0; r < kBlock; ++r)
          for (std::size_t c = 0; c < kBlock; ++c) tile[r * kBlock + c] += dv[r] * av[c];
      }
      reduce_round<8>(tile);
      reduce_round<4>(tile);
      reduce_round<2>(tile);
      reduce_round<1>(tile);
      float sums[kMlpLanes];
      store(sums, tile[0] * scale);
      for (std::size_t r = 0; r < kBlock && o0 + r < outputs; ++r)
        for (std::size_t c = 0; c < kBlock && i0 + c <= inputs; ++c)
          g[(o0 + r) * g_stride + i0 + c] = sums[r * kBlock + c];
    }
}

bool mlp_gradient_by_dots(std::size_t outputs, std::size_t inputs, bool transposes) {
  // Measured on this project's shapes (batch 200, one AVX-512 core): the
  // dot-product blocks run at about 1/1.3 of the sample-panel blocks' rate,
  // and a 16 x 16 transpose tile costs about as much as 150 multiply-adds
  // of one register (9.4 per sample per register of inputs).
  const double registers = static_cast<double>((inputs + kMlpLanes) / kMlpLanes);
  const double panel = static_cast<double>(outputs) * registers + (transposes ? 9.4 * registers : 0.0);
  const double dots = 1.3 * static_cast<double>(((outputs + 3) / 4) * ((inputs + 4) / 4));
  return dots < panel;
}

void mlp_adam_step(float* theta, float* mean, float* variance, const float* gradient, std::size_t n,
                   float rate, float beta1, float beta2, float epsilon) {
  for (std::size_t j = 0; j < n; ++j) {
    mean[j] = beta1 * mean[j] + (1.0f - beta1) * gradient[j];
    variance[j] = beta2 * variance[j] + (1.0f - beta2) * gradient[j] * gradient[j];
    theta[j] -= rate * mean[j] / (std::sqrt(variance[j]) + epsilon);
  }
}

void mlp_transpose(const float* in, std::size_t features, std::size_t in_stride,
                   std::size_t samples, float* out, std::size_t out_stride) {
  // 16 x 16 tiles transposed in registers: four rounds of two-register
  // permutes, each swapping the off-diagonal sub-blocks of width h.
  static_assert(kMlpLanes == 16, "the tile transpose is written for 16 lanes");
  for (std::size_t f0 = 0; f0 < features; f0 += kMlpLanes)
    for (std::size_t b0 = 0; b0 < samples; b0 += kMlpLanes) {
      Lanes tile[kMlpLanes];
      for (std::size_t r = 0; r < kMlpLanes; ++r) tile[r] = load(in + (f0 + r) * in_stride + b0);
      transpose_round<8>(tile);
      transpose_round<4>(tile);
      transpose_round<2>(tile);
      transpose_round<1>(tile);
      for (std::size_t r = 0; r < kMlpLanes; ++r) store(out + (b0 + r) * out_stride + f0, tile[r]);
    }
}

}  // namespace nslab
