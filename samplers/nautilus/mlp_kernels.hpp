#pragma once
// The dense-layer products of MLP training, written for the shapes nautilus
// trains (10-100-50-20-1 on minibatches of 200). Eigen's general GEMM spent
// half of each product packing panels and ran at about half of this core's
// float peak on them; these kernels keep a register block of outputs and
// stream the operands straight from their natural layouts, and fold the bias,
// ReLU and ReLU-mask passes into the stores.
//
// Layouts (all row-major, floats):
// - a feature panel holds one row per feature and one column per sample:
//   value (f, b) at f * stride + b, with stride a multiple of kMlpLanes;
// - a sample panel is its transpose: value (b, f) at b * stride + f;
// - weights are outputs x inputs: w(o, i) at o * inputs + i.
#include <cstddef>
#include <new>
#include <vector>

namespace nslab {

// Floats per vector register the kernels are blocked for (one 512-bit
// register; on narrower targets the compiler splits each into several).
inline constexpr std::size_t kMlpLanes = 16;

inline constexpr std::size_t round_up_to_lanes(std::size_t n) {
  return (n + kMlpLanes - 1) / kMlpLanes * kMlpLanes;
}

// Buffers the kernels read and write start on a cache line, so that with
// row strides that are multiples of kMlpLanes every register load and store
// stays within one line. (malloc's 16-byte alignment split them in two: the
// transposes ran 2.6x and the weight gradients 1.15x slower.)
template <class T>
struct CacheLineAllocator {
  using value_type = T;
  static constexpr std::align_val_t kAlignment{64};
  CacheLineAllocator() = default;
  template <class U>
  CacheLineAllocator(const CacheLineAllocator<U>&) {}
  T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), kAlignment)); }
  void deallocate(T* p, std::size_t) { ::operator delete(p, kAlignment); }
  friend bool operator==(const CacheLineAllocator&, const CacheLineAllocator&) { return true; }
};
using MlpBuffer = std::vector<float, CacheLineAllocator<float>>;

// z(o, b) = bias(o) + sum_i w(o, i) a(i, b), then max(z, 0) when relu; for
// every b < columns (a multiple of kMlpLanes). a and z are feature panels of
// stride `stride`.
void mlp_forward(const float* w, const float* bias, std::size_t outputs, std::size_t inputs,
                 const float* a, float* z, std::size_t columns, std::size_t stride, bool relu);

// p(i, b) = [a(i, b) > 0] * sum_o w(o, i) d(o, b): the error passed back
// through layer w into the ReLU that produced a. d, a and p are feature
// panels of stride `stride`.
void mlp_backward(const float* w, std::size_t outputs, std::size_t inputs, const float* d,
                  const float* a, float* p, std::size_t columns, std::size_t stride);

// g(o, i) = scale * sum_{b < samples} d(o, b) a(b, i) for every
// i < round_up_to_lanes(inputs + 1), at g[o * g_stride + i]: the gradient of
// w in columns i < inputs, of its bias in column `inputs`. d is a feature
// panel of stride d_stride, a a sample panel of stride a_stride >=
// round_up_to_lanes(inputs + 1) whose column `inputs` holds ones (the bias's
// input) and whose later columns are finite. Whole registers only: an
// epilogue that split the last register into weights and bias made GCC
// spill 5 of the 24 accumulators to the stack inside the loop (1.3x slower).
void mlp_weight_gradient(const float* d, std::size_t outputs, std::size_t d_stride, const float* a,
                         std::size_t inputs, std::size_t a_stride, std::size_t samples, float scale,
                         float* g, std::size_t g_stride);

// The same gradient from two feature panels, as dot products over the
// samples: g(o, i) = scale * sum_{b < columns} d(o, b) a(i, b) for
// i <= inputs (row `inputs` of a holds ones, so column `inputs` of g is the
// bias gradient), at g[o * g_stride + i]. d must be zero in its padding
// columns. It needs no transposed copy of the inputs, and unlike the
// sample-panel form, which fills only inputs + 1 of each register's 16
// lanes in its last register, it wastes little on narrow layers; but its
// blocks are smaller and end in a reduction.
void mlp_weight_gradient_by_dots(const float* d, std::size_t outputs, const float* a, std::size_t inputs,
                                 std::size_t columns, std::size_t stride, float scale, float* g,
                                 std::size_t g_stride);

// Whether the dot-product form is expected to be the cheaper one for a
// layer, counting the transpose the sample-panel form needs (when
// `transposes`). A cost model fitted to timings of both forms on
// nautilus's shapes (per minibatch, in units of one register of 16
// multiply-adds per sample): e.g. 100<-6 and 20<-51 and 1<-21 go to dots,
// 50<-101 and 100<-16 stay in the sample-panel form.
bool mlp_gradient_by_dots(std::size_t outputs, std::size_t inputs, bool transposes);

// One Adam step over n parameters: the moment updates, then
// theta -= rate * mean / (sqrt(variance) + epsilon), element by element with
// the same arithmetic for every element (vector or scalar alike), so the
// result does not depend on the arrays' alignment.
void mlp_adam_step(float* theta, float* mean, float* variance, const float* gradient, std::size_t n,
                   float rate, float beta1, float beta2, float epsilon);

// The sample panel of a feature panel: out(b, f) = in(f, b), in whole
// tiles of kMlpLanes x kMlpLanes: in must hold round_up_to_lanes(features)
// rows and round_up_to_lanes(samples) columns, out the transposed extents.
void mlp_transpose(const float* in, std::size_t features, std::size_t in_stride,
                   std::size_t samples, float* out, std::size_t out_stride);

}  // namespace nslab
