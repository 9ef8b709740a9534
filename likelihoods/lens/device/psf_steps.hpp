#pragma once
// PSF convolution of pixel-major columns on the masked grid, one output entry
// per call, for the host and the device alike: PsfConvolver's same-mode sum
// (likelihoods/lens/psf_convolver.hpp), as a row pass then a column pass for
// a separable kernel, or the direct sum for any kernel (docs/gpu.md). The
// tables a call reads (canvas, factors) come from a PsfPlan (psf_plan.hpp).
#include <cstddef>
#include <cstdint>

#include "core/rounded_arithmetic.hpp"

namespace nslab {

struct PsfGeometry {
  const std::int32_t* canvas;  // box pixel -> input index (mask, then blurring), -1 if none
  int box_row0, box_col0, box_cols;
  int kernel_rows, kernel_cols;
  int pass_row0, pass_rows, pass_col0, pass_cols;  // the row pass's box (separable)
  int masked;
  const std::int32_t* origin;  // per masked pixel: pass index (separable) or box index (direct)
  const double* weights_a;     // flipped y factors (separable) or flipped kernel (direct)
  const double* weights_b;     // flipped x factors (separable)
  const double* output_scale;  // per masked pixel, multiplies each output (1/sigma); null: none
};

// Row pass, entry idx = (pass pixel, column):
// T(r, c) = sum_b fx[b] in(r, c + b - hc), PsfConvolver's row pass.
template <class Real, int Columns>
NSLAB_HOST_DEVICE Real row_pass_value(const PsfGeometry& g, const Real* in, std::size_t idx) {
  using namespace rn;
  const int c = static_cast<int>(idx % Columns);
  const int pixel = static_cast<int>(idx / Columns);
  const int i = pixel / g.pass_cols, j = pixel % g.pass_cols;
  const std::int32_t* row_index = g.canvas +
                                  static_cast<std::size_t>(g.pass_row0 + i - g.box_row0) * g.box_cols +
                                  (g.pass_col0 + j - g.kernel_cols / 2 - g.box_col0);
  Real t = 0;
  for (int b = 0; b < g.kernel_cols; ++b) {
    const std::int32_t source = row_index[b];
    if (source < 0) continue;
    t = add(t, mul(static_cast<Real>(g.weights_b[b]), in[static_cast<std::size_t>(source) * Columns + c]));
  }
  return t;
}

// The output's scaling, as dense_normal_equations scales the CPU's columns
// in place: (Real)(out * (1 / sigma)).
template <class Real>
NSLAB_HOST_DEVICE NSLAB_INLINE Real scaled_output(const PsfGeometry& g, Real out, int p) {
  if (g.output_scale == nullptr) return out;
  return rn::to_real<Real>(rn::mul(static_cast<double>(out), g.output_scale[p]));
}

// Column pass, entry idx = (masked pixel, column):
// out(r, c) = sum_a fy[a] T(r + a - hr, c).
template <class Real, int Columns>
NSLAB_HOST_DEVICE Real column_pass_value(const PsfGeometry& g, const Real* pass, std::size_t idx) {
  using namespace rn;
  const int c = static_cast<int>(idx % Columns);
  const int p = static_cast<int>(idx / Columns);
  const std::size_t origin = static_cast<std::size_t>(g.origin[p]);
  Real out = 0;
  for (int a = 0; a < g.kernel_rows; ++a)
    out = add(out, mul(static_cast<Real>(g.weights_a[a]),
                       pass[(origin + static_cast<std::size_t>(a) * g.pass_cols) * Columns + c]));
  return scaled_output<Real>(g, out, p);
}

// Any kernel, entry idx = (masked pixel, column): PsfConvolver's direct
// same-mode sum.
template <class Real, int Columns>
NSLAB_HOST_DEVICE Real direct_value(const PsfGeometry& g, const Real* in, std::size_t idx) {
  using namespace rn;
  const int c = static_cast<int>(idx % Columns);
  const int p = static_cast<int>(idx / Columns);
  Real out = 0;
  for (int a = 0; a < g.kernel_rows; ++a) {
    const std::int32_t* row_index = g.canvas + g.origin[p] + static_cast<std::ptrdiff_t>(a) * g.box_cols;
    const double* weights = g.weights_a + static_cast<std::size_t>(a) * g.kernel_cols;
    for (int b = 0; b < g.kernel_cols; ++b) {
      const std::int32_t source = row_index[b];
      if (source < 0) continue;
      out = add(out, mul(static_cast<Real>(weights[b]), in[static_cast<std::size_t>(source) * Columns + c]));
    }
  }
  return scaled_output<Real>(g, out, p);
}

}  // namespace nslab
