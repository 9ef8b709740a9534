#pragma once
// The per-element arithmetic of the pixelized models on the device
// (pixelized_likelihood.cu), for the host and the device alike: each function
// is one thread's share of one step, so the device kernels and the host
// emulation (tests/support/device_emulation/pixelized_emulation.cpp) run the
// same code with the same decomposition and summation orders (docs/gpu.md).
// Each names the CPU function of pixelized_likelihood.cpp whose arithmetic it
// repeats; where the order of a sum differs from the CPU's, it says so.
//
// Source pixels a, b; image (masked) pixels i, j, k; mapping slots 4 i + q
// (slot q of pixel i's PixelMapping row; -1 indexes mark unused slots).
#include <cstddef>
#include <cstdint>

#include "core/rounded_arithmetic.hpp"
#include "likelihoods/lens/device/lens_row.hpp"
#include "likelihoods/lens/lens_parameters.hpp"
#include "likelihoods/lens/mesh/rectangular_weights.hpp"
#include "likelihoods/lens/pixelization/relocation_steps.hpp"

namespace nslab::pixelized_device {

inline constexpr int kLight = kMgeTotalGaussians;  // lens-light columns, first in the layout
inline constexpr int kSlots = 4;                   // mapping slots per image pixel

// The pixelized row: the lens (lens_row.hpp), then the border ellipse the
// host fitted to the traced border pixels (its centre, semi-axes and the cos
// and sin of its angle, as relocate_outside_border takes them).
enum PixelizedRowEntry : int {
  kEllipseOriginY = kLensRowValues, kEllipseOriginX, kEllipseA, kEllipseB, kEllipseCos, kEllipseSin,
  kValuesPerPoint
};

// The masked-grid neighbourhood (MaskedPsfOperator::neighbor): the masked
// pixel at (dr, dc) from pixel i, or -1.
struct MaskedCanvas {
  const std::int32_t* slim;
  const std::int64_t* origin;
  int canvas_cols;
  NSLAB_HOST_DEVICE std::int32_t neighbor(int i, int dr, int dc) const {
    return slim[origin[i] + static_cast<std::int64_t>(dr) * canvas_cols + dc];
  }
};

// ------------------------------------------------------------------ grid
// Masked pixel i traced (LensMass::trace) and, when finite, moved onto the
// row's border ellipse (relocate_outside_border). Returns whether it was finite.
NSLAB_HOST_DEVICE NSLAB_INLINE bool traced_pixel(const double* row, double y, double x, double& ty,
                                                 double& tx) {
  trace(row, y, x, ty, tx);
  if (!rn::is_finite(ty) || !rn::is_finite(tx)) return false;
  relocate_point(row[kEllipseOriginY], row[kEllipseOriginX], row[kEllipseA], row[kEllipseB],
                 row[kEllipseCos], row[kEllipseSin], ty, tx);
  return true;
}

// ------------------------------------------------- rectangular rank CDF
// RectangularAdaptImageMesh::interpolate, one replica's statistics by one
// thread in the CPU's order: the means, then the population variances, then
// the smaller standard deviation. out: mean_y, mean_x, scale.
NSLAB_HOST_DEVICE inline void rectangular_statistics(int n, const double* y, const double* x, double* out) {
  using namespace rn;
  double mean_y = 0.0, mean_x = 0.0;
  for (int i = 0; i < n; ++i) mean_y = add(mean_y, y[i]), mean_x = add(mean_x, x[i]);
  const double count = static_cast<double>(n);
  mean_y = divide(mean_y, count), mean_x = divide(mean_x, count);
  double var_y = 0.0, var_x = 0.0;
  for (int i = 0; i < n; ++i) {
    const double dy = sub(y[i], mean_y), dx = sub(x[i], mean_x);
    var_y = add(var_y, mul(dy, dy)), var_x = add(var_x, mul(dx, dx));
  }
  const double sy = square_root(divide(var_y, count)), sx = square_root(divide(var_x, count));
  out[0] = mean_y, out[1] = mean_x, out[2] = sy < sx ? sy : sx;  // std::min(sy, sx)
}

// The sort key of a coordinate: (v - mean) / scale, the CPU's scaled value;
// + 0.0 turns -0 into +0, so a radix sort (which orders -0 before +0) and the
// CPU's std::stable_sort on `<` (which ties them) give one permutation.
NSLAB_HOST_DEVICE NSLAB_INLINE double rectangular_key(double value, double mean, double scale) {
  return rn::add(rn::divide(rn::sub(value, mean), scale), 0.0);
}

// axis_transform's running sum, by one thread in sorted order (the CPU's
// order): prefix[k] = sum of weight_map[order[m]] for m <= k.
NSLAB_HOST_DEVICE inline void rectangular_prefix(int n, const std::int32_t* order, const double* weight_map,
                                                 double* prefix) {
  double running = 0.0;
  for (int k = 0; k < n; ++k) prefix[k] = running = rn::add(running, weight_map[order[k]]);
}

// axis_transform's tie rule for sorted position k: every member of a run of
// equal keys gets the running sum through the run's last member.
NSLAB_HOST_DEVICE NSLAB_INLINE void rectangular_transform(int n, const double* sorted_key,
                                                          const std::int32_t* order,
                                                          const double* prefix, int k,
                                                          double* transform) {
  int end = k;
  while (end + 1 < n && !(sorted_key[end + 1] != sorted_key[end])) ++end;
  transform[order[k]] = prefix[end];
}

// ------------------------------------------------------- mapping rows
// The four (index, weight) slots of pixel i from its two transforms.
NSLAB_HOST_DEVICE NSLAB_INLINE void rectangular_row(double transform_y, double transform_x, int side,
                                                    std::int32_t* index, double* weight) {
  int idx[4];
  rectangular_bilinear_weights(transform_y, transform_x, side, idx, weight);
  for (int q = 0; q < 4; ++q) index[q] = idx[q];
}

// The row of a replica whose traced grid was not finite: no source pixels
// (its value is -inf whatever follows; this keeps every index in range).
NSLAB_HOST_DEVICE NSLAB_INLINE void empty_row(std::int32_t* index, double* weight) {
  for (int q = 0; q < kSlots; ++q) index[q] = -1, weight[q] = 0.0;
}

// ------------------------------------------- M^T: slots by source pixel
// The sort key of slot `slot`: its source pixel, or `sources` (after all of
// them) when unused. A stable sort by this key lists each source pixel's
// slots in slot order -- pixel order, then slot order within a pixel, the
// order in which the CPU's loops over rows meet them.
NSLAB_HOST_DEVICE NSLAB_INLINE std::uint32_t slot_key(const std::int32_t* map_index, int slot, int sources) {
  const std::int32_t a = map_index[slot];
  return a < 0 ? static_cast<std::uint32_t>(sources) : static_cast<std::uint32_t>(a);
}

// offsets[a] = the first sorted position whose key is >= a (a = 0..sources).
NSLAB_HOST_DEVICE inline std::int32_t slot_offset(const std::uint32_t* sorted_keys, int count, int a) {
  int lo = 0, hi = count;
  while (lo < hi) {
    const int mid = (lo + hi) / 2;
    if (sorted_keys[mid] < static_cast<std::uint32_t>(a)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// --------------------------------------------------------------- dense
// fill_mapping_matrix's M[i, a] for the run of slots of pixel i that starts
// at sorted position e (all slots of one pixel that index a): accumulated in
// double, stored as Real, slot by slot. Advances e past the run.
template <class Real>
NSLAB_HOST_DEVICE NSLAB_INLINE Real mapping_value(const std::int32_t* sorted_slots, const double* map_weight,
                                                  int end, int& e, int& pixel) {
  pixel = sorted_slots[e] / kSlots;
  Real value = 0;
  while (e < end && sorted_slots[e] / kSlots == pixel)
    value = rn::to_real<Real>(rn::add(static_cast<double>(value), map_weight[sorted_slots[e++]]));
  return value;
}

// MaskedPsfOperator::scatter's addition for tap (dr, dc) of pixel i's value:
// (Real)(K[hr + dr][hc + dc] * value), added to B in Real.
template <class Real>
NSLAB_HOST_DEVICE NSLAB_INLINE Real scattered(double kernel_value, Real value) {
  return rn::to_real<Real>(rn::mul(kernel_value, static_cast<double>(value)));
}

// dense_normal_equations for column j (column-major, n entries): scales it by
// 1/sigma in place and returns D_j = sum_i (double)B~_ij (d_i / sigma_i), in
// the CPU's pixel order.
template <class Real>
NSLAB_HOST_DEVICE inline double scale_column(Real* column, int n, const double* inverse_sigma,
                                             const double* weighted_data) {
  using namespace rn;
  double d = 0.0;
  for (int i = 0; i < n; ++i) {
    const Real scaled = to_real<Real>(mul(static_cast<double>(column[i]), inverse_sigma[i]));
    column[i] = scaled;
    d = add(d, mul(static_cast<double>(scaled), weighted_data[i]));
  }
  return d;
}

// dense_chi_squared's squared residual at pixel i (B~ column-major, t columns).
template <class Real>
NSLAB_HOST_DEVICE inline double dense_residual_squared(const Real* columns, int n, int t, int i,
                                                       const double* solution, double data_over_sigma) {
  using namespace rn;
  double model = 0.0;
  for (int j = 0; j < t; ++j)
    model = add(model, mul(static_cast<double>(columns[static_cast<std::size_t>(j) * n + i]), solution[j]));
  const double residual = sub(data_over_sigma, model);
  return mul(residual, residual);
}

// chi^2 = the squared residuals summed in pixel order, as the CPU sums them.
NSLAB_HOST_DEVICE inline double ordered_sum(int n, const double* values) {
  double sum = 0.0;
  for (int i = 0; i < n; ++i) sum = rn::add(sum, values[i]);
  return sum;
}

// -------------------------------------------------------------- sparse
// sparse_equations' light block: sum_i (light_ig / sigma_i^2) * other_i for
// the pixel-major columns (stride kLight), in pixel order. With other = the
// data it is D_g; with other = light column h it is F[g, h].
NSLAB_HOST_DEVICE inline double light_block_sum(int n, const double* weighted_light, int g,
                                                const double* other, int other_stride) {
  double sum = 0.0;
  for (int i = 0; i < n; ++i)
    sum = rn::add(sum, rn::mul(weighted_light[static_cast<std::size_t>(i) * kLight + g],
                               other[static_cast<std::size_t>(i) * other_stride]));
  return sum;
}

// sum over source pixel a's slots (sorted positions [begin, end)) of
// w_slot * values[pixel(slot) * stride]: F[g, a] = (P^T N^-1 B_g)^T M with
// values = projected column g; D_a = M^T z with values = z. The CPU's order.
NSLAB_HOST_DEVICE inline double mapped_sum(const std::int32_t* sorted_slots, const double* map_weight,
                                           int begin, int end, const double* values, int stride) {
  double sum = 0.0;
  for (int e = begin; e < end; ++e) {
    const std::int32_t slot = sorted_slots[e];
    sum = rn::add(sum, rn::mul(map_weight[slot], values[static_cast<std::size_t>(slot / kSlots) * stride]));
  }
  return sum;
}

// W's forward half (WTildeOperator): entry o of a pixel is the offset
// (0, o) for o <= 2hc, else (dr, dc) with dr = 1 + (o - 2hc - 1) / (4hc + 1).
NSLAB_HOST_DEVICE NSLAB_INLINE void forward_offset(int o, int reach_cols, int& dr, int& dc) {
  if (o <= reach_cols) {
    dr = 0, dc = o;
    return;
  }
  const int rest = o - (reach_cols + 1), width = 2 * reach_cols + 1;
  dr = 1 + rest / width, dc = rest % width - reach_cols;
}

// w-tilde, block of source pixel a, slot (pixel i, weight w), offset o: the
// term of q_a = W~^T M[:, a] at pixel j = i + offset o, with W~ the forward
// half of W and its diagonal halved (the CPU's r_i). Each pixel's q_a sums
// its terms in slot order (i ascending). Then H[a, b] = sum over b's slots of
// w_jb q_a[j], and F = H + H^T -- the CPU's H, summed in another order (the
// CPU gathers r_i per pixel i; here q_a per source pixel, so one block owns
// each row of H and no two threads add into one value).
NSLAB_HOST_DEVICE NSLAB_INLINE double wtilde_term(const double* w_row, int o, double weight) {
  const double value = o == 0 ? rn::mul(0.5, w_row[0]) : w_row[o];
  return rn::mul(weight, value);
}

// MaskedPsfOperator::apply at pixel k: sum over taps of K * in[k - tap].
NSLAB_HOST_DEVICE inline double psf_apply(const MaskedCanvas& canvas, const double* kernel, int kernel_rows,
                                          int kernel_cols, const double* in, int k) {
  using namespace rn;
  const int hr = kernel_rows / 2, hc = kernel_cols / 2;
  double sum = 0.0;
  for (int dr = -hr; dr <= hr; ++dr)
    for (int dc = -hc; dc <= hc; ++dc) {
      const std::int32_t i = canvas.neighbor(k, -dr, -dc);
      if (i >= 0) sum = add(sum, mul(kernel[(hr + dr) * kernel_cols + (hc + dc)], in[i]));
    }
  return sum;
}

// mapping_times at pixel i: sum over its slots of w * s[kLight + index].
NSLAB_HOST_DEVICE NSLAB_INLINE double mapped_source(const std::int32_t* map_index, const double* map_weight,
                                                    int i, const double* solution) {
  double sum = 0.0;
  for (int q = 0; q < kSlots; ++q) {
    const std::int32_t a = map_index[i * kSlots + q];
    if (a >= 0) sum = rn::add(sum, rn::mul(map_weight[i * kSlots + q], solution[kLight + a]));
  }
  return sum;
}

// sparse_equations' squared residual at pixel i: model = P M s + B_light s_light.
NSLAB_HOST_DEVICE NSLAB_INLINE double sparse_residual_squared(double blurred_source, const double* blurred_light,
                                                              const double* solution, double data,
                                                              double noise) {
  using namespace rn;
  double model = blurred_source;
  for (int g = 0; g < kLight; ++g) model = add(model, mul(blurred_light[g], solution[g]));
  const double residual = divide(sub(data, model), noise);
  return mul(residual, residual);
}

}  // namespace nslab::pixelized_device
