#include "tests/support/device_emulation/pixelized_emulation.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cstring>
#include <limits>
#include <numeric>

#include "likelihoods/lens/blas_lapack.hpp"
#include "likelihoods/lens/device/pixelized_host_steps.hpp"
#include "likelihoods/lens/device/pixelized_plan.hpp"
#include "likelihoods/lens/device/psf_steps.hpp"
#include "tests/support/device_emulation/replica_region.hpp"

namespace nslab {
namespace {

using namespace pixelized_device;

// The PSF kernels' loops (psf_steps.hpp) over one replica's 20 columns.
void convolve_columns(const PsfPlan& plan, const double* in, double* pass, double* out, int n) {
  const PsfGeometry& g = plan.geometry;
  if (plan.separable) {
    for (std::size_t idx = 0; idx < plan.pass_entries(kLight); ++idx) pass[idx] = row_pass_value<double, kLight>(g, in, idx);
    for (std::size_t idx = 0; idx < static_cast<std::size_t>(n) * kLight; ++idx)
      out[idx] = column_pass_value<double, kLight>(g, pass, idx);
  } else {
    for (std::size_t idx = 0; idx < static_cast<std::size_t>(n) * kLight; ++idx)
      out[idx] = direct_value<double, kLight>(g, in, idx);
  }
}

// CUB's stable radix sort of (key, value) pairs, as its permutation is: the
// stable sort by key.
template <class Key>
void stable_sort_pairs(const Key* keys_in, const std::int32_t* values_in, Key* keys_out,
                       std::int32_t* values_out, int count) {
  std::vector<int> order(count);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return keys_in[a] < keys_in[b]; });
  for (int k = 0; k < count; ++k) keys_out[k] = keys_in[order[k]], values_out[k] = values_in[order[k]];
}

template <class Real>
class Emulator {
 public:
  Emulator(const MaskedImaging& im, const PixelizedSource& source, InversionFormulation formulation)
      : im_(im), source_(source), plan_(im, source, formulation, std::is_same_v<Real, float>),
        host_(plan_), region_(plan_.bytes_per_replica) {}

  std::size_t bytes_per_replica() const { return plan_.bytes_per_replica; }

  EmulatedPixelizedPoint evaluate(std::span<const double> theta) {
    const PixelizedPlan& p = plan_;
    const PixelizedOffsets& o = p.offsets;
    const int n = p.n, s = p.sources, t = p.parameters;
    region_.poison();
    double row[kValuesPerPoint];
    // Delaunay: the host's mapping rows land in the region as the device's upload would.
    const bool prepared = host_.prepare(p, source_, theta, row, region_.at<std::byte>(o.map_index));
    std::int32_t& status = *region_.at<std::int32_t>(o.status);
    status = 0;

    // The lens light on the grids, blurred.
    double* light = region_.at<double>(o.light);
    for (int i = 0; i < n + p.blurring; ++i)
      pixel_basis_columns<double, 1>(row, 0, p.light.geometry, i, light + static_cast<std::size_t>(i) * kLight);
    double* blurred_light = region_.at<double>(o.blurred_light);
    convolve_columns(p.light_psf, light, region_.at<double>(o.light_pass), blurred_light, n);

    // Rectangular: the traced, relocated grid and its mapping rows (Delaunay's came from the host).
    std::int32_t* map_index = region_.at<std::int32_t>(o.map_index);
    double* map_weight = region_.at<double>(o.map_weight);
    if (p.mesh == PixelizedMesh::kRectangular) {
      double* ty = region_.at<double>(o.traced_y);
      double* tx = region_.at<double>(o.traced_x);
      for (int i = 0; i < n; ++i)
        if (!traced_pixel(row, p.image_y[i], p.image_x[i], ty[i], tx[i])) status = 1;
      rectangular_rows(ty, tx, status, map_index, map_weight);
    }

    // Slots by source pixel.
    const int slots = kSlots * n;
    std::uint32_t* key_in = region_.at<std::uint32_t>(o.slot_key_in);
    std::int32_t* slot_in = region_.at<std::int32_t>(o.slot_in);
    for (int slot = 0; slot < slots; ++slot) key_in[slot] = slot_key(map_index, slot, s), slot_in[slot] = slot;
    std::uint32_t* key_out = region_.at<std::uint32_t>(o.slot_key_out);
    std::int32_t* slot_out = region_.at<std::int32_t>(o.slot_out);
    stable_sort_pairs(key_in, slot_in, key_out, slot_out, slots);
    std::int32_t* offsets = region_.at<std::int32_t>(o.slot_offsets);
    for (int a = 0; a <= s; ++a) offsets[a] = slot_offset(key_out, slots, a);

    double* data_vector = region_.at<double>(o.data_vector);
    double* solution = region_.at<double>(o.solution);
    double* residuals = region_.at<double>(o.residuals);
    // The host solves a point only when its fit got this far; else s = 0
    // and its value is -inf, as the CPU's fit returns early.
    const bool solvable = prepared && status == 0;
    InversionSolution solved;
    if (!solvable) std::fill(solution, solution + t, 0.0);
    if (p.dense()) {
      Real* columns = region_.at<Real>(o.columns);
      Real* curvature = region_.at<Real>(o.curvature);
      dense_equations(blurred_light, slot_out, map_weight, offsets, columns, curvature, data_vector);
      if (solvable) solved = host_.solve<Real>(p, curvature, data_vector, solution);
      for (int i = 0; i < n; ++i)
        residuals[i] = dense_residual_squared<Real>(columns, n, t, i, solution, p.data_over_sigma[i]);
    } else {
      double* curvature = region_.at<double>(o.curvature);
      sparse_equations(blurred_light, slot_out, map_weight, offsets, curvature, data_vector);
      if (solvable) solved = host_.solve<double>(p, curvature, data_vector, solution);
      double* mapped = region_.at<double>(o.mapped);
      double* blurred = region_.at<double>(o.blurred);
      for (int i = 0; i < n; ++i) mapped[i] = mapped_source(map_index, map_weight, i, solution);
      const pixelized_device::MaskedCanvas canvas = p.canvas();
      const int kr = im_.psf_kernel.rows, kc = im_.psf_kernel.cols;
      for (int k = 0; k < n; ++k) blurred[k] = psf_apply(canvas, p.kernel.data(), kr, kc, mapped, k);
      for (int i = 0; i < n; ++i)
        residuals[i] = sparse_residual_squared(blurred[i], blurred_light + static_cast<std::size_t>(i) * kLight,
                                               solution, p.data[i], p.noise[i]);
    }
    double& chi_squared = *region_.at<double>(o.chi_squared);
    chi_squared = ordered_sum(n, residuals);

    EmulatedPixelizedPoint out;
    out.solver_iterations = solved.solver_iterations;
    out.parts = fit_parts(solved.solved ? chi_squared : 0.0, im_.noise_normalization, solved, true);
    return out;
  }

 private:
  void rectangular_rows(const double* ty, const double* tx, std::int32_t status, std::int32_t* map_index,
                        double* map_weight) {
    const PixelizedPlan& p = plan_;
    const PixelizedOffsets& o = p.offsets;
    const int n = p.n;
    double* statistics = region_.at<double>(o.statistics);
    rectangular_statistics(n, ty, tx, statistics);
    double* key_in = region_.at<double>(o.key_in);
    double* key_out = region_.at<double>(o.key_out);
    std::int32_t* order_in = region_.at<std::int32_t>(o.order_in);
    std::int32_t* order_out = region_.at<std::int32_t>(o.order_out);
    double* prefix = region_.at<double>(o.prefix);
    for (int axis = 0; axis < 2; ++axis) {
      const double* values = axis == 0 ? ty : tx;
      double* transform = region_.at<double>(axis == 0 ? o.transform_y : o.transform_x);
      for (int i = 0; i < n; ++i) key_in[i] = rectangular_key(values[i], statistics[axis], statistics[2]), order_in[i] = i;
      stable_sort_pairs(key_in, order_in, key_out, order_out, n);
      rectangular_prefix(n, order_out, p.weight_map.data(), prefix);
      for (int k = 0; k < n; ++k) rectangular_transform(n, key_out, order_out, prefix, k, transform);
    }
    const double* transform_y = region_.at<double>(o.transform_y);
    const double* transform_x = region_.at<double>(o.transform_x);
    for (int i = 0; i < n; ++i) {
      if (status != 0) empty_row(map_index + kSlots * i, map_weight + kSlots * i);
      else rectangular_row(transform_y[i], transform_x[i], p.side, map_index + kSlots * i, map_weight + kSlots * i);
    }
  }

  // B~ = [B_light | P M] / sigma, D, and F = B~^T B~ (the library product).
  void dense_equations(const double* blurred_light, const std::int32_t* slot_out, const double* map_weight,
                       const std::int32_t* offsets, Real* columns, Real* curvature, double* data_vector) {
    const PixelizedPlan& p = plan_;
    const int n = p.n, t = p.parameters;
    const std::size_t un = static_cast<std::size_t>(n);
    for (int g = 0; g < kLight; ++g)
      for (int i = 0; i < n; ++i) columns[g * un + i] = static_cast<Real>(blurred_light[static_cast<std::size_t>(i) * kLight + g]);
    const pixelized_device::MaskedCanvas canvas = p.canvas();
    const int kr = im_.psf_kernel.rows, kc = im_.psf_kernel.cols, hr = kr / 2, hc = kc / 2;
    for (int a = 0; a < p.sources; ++a) {
      Real* column = columns + static_cast<std::size_t>(kLight + a) * un;
      std::fill(column, column + n, Real(0));
      for (int e = offsets[a]; e < offsets[a + 1];) {
        int pixel;
        const Real value = mapping_value<Real>(slot_out, map_weight, offsets[a + 1], e, pixel);
        if (value == Real(0)) continue;
        for (int dr = -hr; dr <= hr; ++dr)
          for (int dc = -hc; dc <= hc; ++dc) {
            const std::int32_t k = canvas.neighbor(pixel, dr, dc);
            if (k >= 0) column[k] = rn::add(column[k], scattered<Real>(p.kernel[(hr + dr) * kc + (hc + dc)], value));
          }
      }
    }
    for (int j = 0; j < t; ++j)
      data_vector[j] = scale_column<Real>(columns + static_cast<std::size_t>(j) * un, n, p.inverse_sigma.data(),
                                          p.weighted_data.data());
    // F by the CPU's own rank-k update (the device calls cuBLAS here).
    using Matrix = Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic>;
    Eigen::Map<Matrix> f(curvature, t, t);
    blas::gram_lower(true, static_cast<std::size_t>(t), un, columns, un, curvature, static_cast<std::size_t>(t));
    f.template triangularView<Eigen::StrictlyUpper>() = f.transpose();
  }

  // The light block, light x source, D, and F_ss = M^T W M by w-tilde blocks.
  void sparse_equations(const double* blurred_light, const std::int32_t* slot_out, const double* map_weight,
                        const std::int32_t* offsets, double* f, double* data_vector) {
    const PixelizedPlan& p = plan_;
    const PixelizedOffsets& o = p.offsets;
    const int n = p.n, s = p.sources, t = p.parameters;
    const std::size_t un = static_cast<std::size_t>(n), ut = static_cast<std::size_t>(t);
    double* weighted = region_.at<double>(o.weighted_light);
    for (std::size_t idx = 0; idx < un * kLight; ++idx) weighted[idx] = rn::mul(blurred_light[idx], p.inverse_variance[idx / kLight]);
    for (int g = 0; g < kLight; ++g) {
      data_vector[g] = light_block_sum(n, weighted, g, p.data.data(), 1);
      for (int h = 0; h < kLight; ++h) f[g + h * ut] = light_block_sum(n, weighted, g, blurred_light + h, kLight);
    }
    double* projected = region_.at<double>(o.projected);
    convolve_columns(*p.transpose_psf, weighted, region_.at<double>(o.projected_pass), projected, n);
    const double* z = p.w_tilde->weighted_data().data();
    for (int a = 0; a < s; ++a) {
      for (int g = 0; g < kLight; ++g) {
        const double value = mapped_sum(slot_out, map_weight, offsets[a], offsets[a + 1], projected + g, kLight);
        f[g + (kLight + a) * ut] = value;
        f[(kLight + a) + g * ut] = value;
      }
      data_vector[kLight + a] = mapped_sum(slot_out, map_weight, offsets[a], offsets[a + 1], z, 1);
    }
    // w-tilde: block a scatters q_a, then gathers row a of H.
    const pixelized_device::MaskedCanvas canvas = p.canvas();
    const int window = p.window_values(), reach_cols = p.reach_cols();
    const double* w = p.w_tilde->values().data();
    std::vector<double> q(un);
    for (int a = 0; a < s; ++a) {
      std::fill(q.begin(), q.end(), 0.0);
      for (int e = offsets[a]; e < offsets[a + 1]; ++e) {
        const int i = slot_out[e] / kSlots;
        const double weight = map_weight[slot_out[e]];
        const double* w_row = w + static_cast<std::size_t>(i) * window;
        for (int offset = 0; offset < window; ++offset) {
          int dr, dc;
          forward_offset(offset, reach_cols, dr, dc);
          const std::int32_t j = canvas.neighbor(i, dr, dc);
          if (j >= 0) q[j] = rn::add(q[j], wtilde_term(w_row, offset, weight));
        }
      }
      for (int b = 0; b < s; ++b)
        f[(kLight + a) + (kLight + b) * ut] = mapped_sum(slot_out, map_weight, offsets[b], offsets[b + 1], q.data(), 1);
    }
    for (int a = 0; a < s; ++a)
      for (int b = 0; b <= a; ++b) {
        double& lower = f[(kLight + a) + (kLight + b) * ut];
        double& upper = f[(kLight + b) + (kLight + a) * ut];
        const double sum = rn::add(lower, upper);
        lower = upper = sum;
      }
  }

  const MaskedImaging& im_;
  const PixelizedSource& source_;
  PixelizedPlan plan_;
  PixelizedHostPoint host_;
  ReplicaRegion region_;
};

template <class Real>
PixelizedEmulation emulate(const MaskedImaging& imaging, const PixelizedSource& source,
                           InversionFormulation formulation, std::span<const double> points) {
  Emulator<Real> emulator(imaging, source, formulation);
  PixelizedEmulation out;
  out.bytes_per_replica = emulator.bytes_per_replica();
  for (std::size_t begin = 0; begin < points.size(); begin += kPixelizedParameterCount)
    out.points.push_back(emulator.evaluate(points.subspan(begin, kPixelizedParameterCount)));
  return out;
}

}  // namespace

PixelizedEmulation emulate_cuda_pixelized_on_host(const MaskedImaging& imaging,
                                                  const PixelizedSource& source,
                                                  InversionFormulation formulation,
                                                  Precision precision,
                                                  std::span<const double> points) {
  if (precision == Precision::kFp32) return emulate<float>(imaging, source, formulation, points);
  return emulate<double>(imaging, source, formulation, points);
}

}  // namespace nslab
