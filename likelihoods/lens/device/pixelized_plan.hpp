#pragma once
// Everything the pixelized models' device steps (pixelized_steps.hpp) read
// that does not depend on theta, built on the host, and the layout of one
// replica region (docs/gpu.md). The device likelihood
// (pixelized_likelihood.cu) copies the tables to the device; the host
// emulation (tests/support/device_emulation/pixelized_emulation.cpp) reads
// them here. Both run the host half of a point with pixelized_host_steps.hpp.
//
// One replica region (bytes_per_replica, exact), n masked pixels, b blurring
// pixels, s source pixels, t = 20 + s linear parameters, Real the cell's
// precision on the dense path (double on the sparse path, as the CPU):
//   status 1 int; lens light (n + b) x 20, its PSF row pass (separable PSF
//   only) and blurred n x 20 double; mapping slots 4 n int + 4 n double; slots sorted by source pixel (keys and slot
//   ids in and out, 4 x 4 n int) and s + 1 offsets; D, s: t double each;
//   squared residuals n double, chi^2 1 double;
//   rectangular: the traced grid 2 n double, mean/scale 3 double, sort keys in and out 2 n double, order
//     in and out 2 n int, running sums n double, two transforms 2 n double;
//   Delaunay: nothing more (the host sends the mapping slots, see below);
//   dense: B~ n x t Real (column-major), F t x t Real;
//   sparse: light / sigma^2 and P^T of it 2 x n x 20 double (and P^T's row
//     pass), F t x t double, M s and P M s 2 n double.
// Fixed (device tables, tracked): the light grids, PSF and canvas tables,
// the data vectors, the adapt weights; sparse: W's forward half (n x window
// double, 103 MiB on hst) and z; plus the likelihood's library workspaces.
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "likelihoods/lens/device/light_grid.hpp"
#include "likelihoods/lens/device/pixelized_steps.hpp"
#include "likelihoods/lens/device/psf_plan.hpp"
#include "likelihoods/lens/inversion.hpp"
#include "likelihoods/lens/masked_imaging.hpp"
#include "likelihoods/lens/pixelization/masked_psf_operator.hpp"
#include "likelihoods/lens/pixelization/pixelized_likelihood.hpp"
#include "likelihoods/lens/pixelization/pixelized_source.hpp"
#include "likelihoods/lens/pixelization/w_tilde.hpp"

namespace nslab {

enum class PixelizedMesh { kRectangular, kDelaunay };

// Byte offsets of one replica region's arrays (see the file comment).
struct PixelizedOffsets {
  std::size_t status, light, light_pass, blurred_light, traced_y, traced_x, map_index, map_weight;
  std::size_t slot_key_in, slot_key_out, slot_in, slot_out, slot_offsets;
  std::size_t data_vector, solution, residuals, chi_squared;
  // rectangular
  std::size_t statistics, key_in, key_out, order_in, order_out, prefix, transform_y, transform_x;
  // Delaunay: the mapping slots [map_index, map_index + rows_upload_bytes)
  // come from the host, which locates the traced grid in scipy's order.
  // dense
  std::size_t columns;
  // sparse
  std::size_t weighted_light, projected, projected_pass, mapped, blurred;
  std::size_t curvature;
};

struct PixelizedPlan {
  PixelizedMesh mesh;
  InversionFormulation formulation;
  std::size_t real_bytes;  // sizeof(Real) of B~ and F: 4 on the dense fp32 path, else 8
  int n = 0, blurring = 0, sources = 0, parameters = 0;
  int side = 0;           // rectangular

  LightGridTables light;
  PsfPlan light_psf;                    // the lens light's blurring (mask + blurring pixels)
  std::optional<PsfPlan> transpose_psf; // sparse: P^T, the turned kernel on the mask alone
  std::unique_ptr<MaskedPsfOperator> masked_psf;  // P on the masked grid: its canvas, and W's
  std::vector<std::int64_t> canvas_origin;        // masked_psf's origins, as 64-bit integers
  std::vector<double> kernel;                     // K, row-major
  std::vector<double> image_y, image_x;           // masked pixel centres
  // dense: dense_normal_equations's 1/sigma and d/sigma, dense_chi_squared's d/sigma
  std::vector<double> inverse_sigma, weighted_data, data_over_sigma;
  // sparse: 1/sigma^2 as sparse_equations forms it, the data and the noise
  std::vector<double> inverse_variance, data, noise;
  std::unique_ptr<WTildeOperator> w_tilde;        // sparse: W's forward half and z
  std::vector<double> weight_map;                 // rectangular: the rank-CDF weights
  std::vector<int> border;                        // border pixels (border_pixel_indexes)
  LinearParameterLayout layout;                   // as PixelizedLikelihood's

  PixelizedOffsets offsets{};
  std::size_t rows_upload_bytes = 0;  // Delaunay: the mapping slots the host sends per point
  std::size_t bytes_per_replica = 0;

  // The plan of the pixelized likelihood of (imaging, source, formulation);
  // `single`: Real = float (the dense path only stores anything in float).
  PixelizedPlan(const MaskedImaging& imaging, const PixelizedSource& source,
                InversionFormulation formulation, bool single);
  PixelizedPlan(const PixelizedPlan&) = delete;
  PixelizedPlan& operator=(const PixelizedPlan&) = delete;

  pixelized_device::MaskedCanvas canvas() const {
    return {masked_psf->canvas().data(), canvas_origin.data(), static_cast<int>(masked_psf->canvas_cols())};
  }
  int window_values() const { return w_tilde ? static_cast<int>(w_tilde->window_values()) : 0; }
  int reach_cols() const { return masked_psf->reach_cols(); }
  bool dense() const { return formulation == InversionFormulation::kDense; }
};

// PixelizedLikelihood::sizes() for this plan's model (`nslab eval`, results).
std::map<std::string, double> pixelized_sizes(const MaskedImaging& imaging, const PixelizedPlan& plan);

}  // namespace nslab
