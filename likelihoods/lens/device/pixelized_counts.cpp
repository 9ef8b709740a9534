#include "likelihoods/lens/device/pixelized_counts.hpp"

#include <cmath>

namespace nslab {

namespace {
using namespace pixelized_device;

// Bytes an LSD radix sort of `items` (key, value) pairs moves: read and
// write both once per 8-bit digit of `key_bits`.
double sort_bytes(double items, int key_bits, double key_bytes, double value_bytes) {
  const int passes = (key_bits + 7) / 8;
  return 2.0 * passes * items * (key_bytes + value_bytes);
}

// The PSF convolution of `columns` columns of n outputs (psf_steps.hpp).
OperationCount psf_count(const char* step, const PsfPlan& plan, double inputs, double columns, double kernel_rows,
                         double kernel_cols) {
  const double n = plan.geometry.masked;
  OperationCount c{step};
  if (plan.separable) {
    const double pass = static_cast<double>(plan.pass_entries(1)) * columns;
    c.flops = 2.0 * pass * kernel_cols + 2.0 * n * columns * kernel_rows;
    c.bytes = 8.0 * (inputs * columns + pass) + 8.0 * (pass + n * columns);
  } else {
    c.flops = 2.0 * n * columns * kernel_rows * kernel_cols;
    c.bytes = 8.0 * (inputs * columns + n * columns);
  }
  return c;
}
}  // namespace

MappingStatistics MappingStatistics::typical(const PixelizedPlan& plan) {
  const double n = plan.n, per_pixel = plan.mesh == PixelizedMesh::kRectangular ? 4.0 : 3.0;
  return {per_pixel * n, per_pixel * n};
}

double PixelizedCounts::flops() const {
  double total = 0.0;
  for (const OperationCount& c : steps) total += c.flops;
  return total;
}
double PixelizedCounts::special() const {
  double total = 0.0;
  for (const OperationCount& c : steps) total += c.special;
  return total;
}
double PixelizedCounts::bytes() const {
  double total = 0.0;
  for (const OperationCount& c : steps) total += c.bytes;
  return total;
}

PixelizedCounts pixelized_operation_counts(const PixelizedPlan& p, const MappingStatistics& m) {
  const double n = p.n, b = p.blurring, s = p.sources, t = p.parameters, g = kLight;
  const double sub = static_cast<double>(p.light.sub_y.size());
  const double kr = p.light_psf.geometry.kernel_rows, kc = p.light_psf.geometry.kernel_cols;
  const double real = static_cast<double>(p.real_bytes);
  const double slots = kSlots * n, nnz = m.used_slots;
  PixelizedCounts out;
  auto add = [&](OperationCount c) { out.steps.push_back(std::move(c)); };

  // Light: per sub-point a squared radius (12) and per Gaussian a multiply,
  // an exp and an add; per masked pixel the 1/s^2 scaling; per blurring
  // pixel a squared radius and per Gaussian a multiply and an exp.
  add({"light", sub * (12.0 + 2.0 * g) + n * g + b * (12.0 + g), (sub + b) * g,
       8.0 * (2.0 * sub + 2.0 * b) + 12.0 * n + 8.0 * (n + b) * g});
  add(psf_count("light_psf", p.light_psf, n + b, g, kr, kc));
  // Ray trace (36, atan and atanh) and relocation's test (13) per pixel.
  if (p.mesh == PixelizedMesh::kRectangular) {
    add({"ray_tracing", 49.0 * n, 2.0 * n, 8.0 * 4.0 * n});
    // Means and variances (8 n), two axes of keys (3 n each), running sums
    // (n each) and the bilinear weights (14 n).
    add({"mesh", 30.0 * n, 0.0,
         8.0 * 2.0 * n                                          // statistics read the traced grid
             + 2.0 * (8.0 * n + 12.0 * n)                       // keys: read, write key + order
             + 2.0 * sort_bytes(n, 64, 8.0, 4.0)                // two sorts of n (double, int)
             + 2.0 * (4.0 * n + 8.0 * n + 8.0 * n)              // running sums: order, weights, prefix
             + 2.0 * (20.0 * n + 8.0 * n)                       // transforms
             + 16.0 * n + 48.0 * slots / kSlots});              // rows
  } else {
    add({"mesh", 0.0, 0.0, 0.0});  // Delaunay: located on the host (docs/gpu.md), its rows sent
  }
  int key_bits = 1;
  while ((1 << key_bits) <= p.sources) ++key_bits;
  add({"mapping", 0.0, 0.0,
       4.0 * slots + 8.0 * slots                  // keys from the indices, slot ids
           + sort_bytes(slots, key_bits, 4.0, 4.0)
           + 4.0 * (s + 1.0) * std::log2(slots)}); // offsets by binary search
  if (p.dense()) {
    // B: light columns copied; each distinct (pixel, source) pair scattered
    // through every tap (a multiply and an add; taps off the mask are
    // skipped, so this is an upper bound).
    add({"mapping_matrix", 2.0 * m.distinct_pairs * kr * kc, 0.0,
         8.0 * n * g + real * n * g + real * n * s + 12.0 * nnz});
    // Scaled by 1/sigma in place with D (3 per entry).
    add({"normal_equations", 3.0 * n * t, 0.0, 2.0 * real * n * t + 16.0 * n + 8.0 * t});
    // SYRK: a multiply and an add per (pixel, j <= k) pair; reads B~ and
    // writes F's lower triangle; the mirror copies it up.
    add({"curvature_product", n * t * (t + 1.0), 0.0, real * n * t + real * t * (t + 1.0) / 2.0 + real * t * t});
    add({"chi_squared", 2.0 * n * t + 3.0 * n, 0.0, real * n * t + 8.0 * (t + 2.0 * n)});
  } else {
    const double window = p.window_values();
    // Light / sigma^2 (g n) and the light block with D_light: 2 per pixel
    // for each of the g (g + 1) sums.
    add({"light_block", g * n + 2.0 * n * g * (g + 1.0), 0.0, 8.0 * (2.0 * n * g + n) + 8.0 * (2.0 * n * g + n)});
    add(psf_count("light_transpose_psf", *p.transpose_psf, n, g, kr, kc));
    // F_gs and D_s: 2 per used slot for each of g + 1 columns.
    add({"light_source", 2.0 * (g + 1.0) * nnz, 0.0, 12.0 * nnz + 8.0 * n * g + 8.0 * n + 8.0 * t * (g + 1.0)});
    // w-tilde: each used slot scatters through the forward window (a
    // multiply and an add per offset); each source pixel's row gathers over
    // every used slot (2 each); W's forward half read once.
    add({"wtilde", 2.0 * nnz * window + 2.0 * s * nnz, 0.0, 8.0 * n * window + 12.0 * nnz + 8.0 * s * s});
    add({"symmetrize", s * (s + 1.0) / 2.0, 0.0, 2.0 * 8.0 * s * s});
    add({"chi_squared", 2.0 * nnz + 2.0 * n * kr * kc + n * (2.0 * g + 3.0), 0.0,
         12.0 * nnz + 8.0 * (4.0 * n + n * g + t)});
  }
  out.transfer_bytes = real * t * t + 8.0 * t  // F and D down
                       + 8.0 * t               // s up
                       + 8.0 * static_cast<double>(kValuesPerPoint) + 12.0 + static_cast<double>(p.rows_upload_bytes);
  return out;
}

RooflineFractions roofline_fractions(const PixelizedCounts& counts, double ms_per_eval, double peak_flops,
                                     double peak_bytes_per_s) {
  const double seconds = 1e-3 * ms_per_eval;
  return {counts.flops() / seconds / peak_flops, counts.bytes() / seconds / peak_bytes_per_s};
}

}  // namespace nslab
