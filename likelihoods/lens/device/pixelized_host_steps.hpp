#pragma once
// The host half of one point of the pixelized models on the device
// (docs/gpu.md), shared by the device likelihood and its host emulation. All
// of it is the CPU's own code (pixelized_likelihood.cpp, pixelized_source.cpp):
//  before the device: the staged row (the lens and the border ellipse, fitted
//    to the traced border pixels as fit_border_ellipse does), H, and for the
//    Delaunay mesh the traced, relocated, triangulated vertices and the traced
//    grid's mapping rows -- qhull is serial, and scipy's point location walks
//    from each point's predecessor (docs/gpu.md says why that stays here), so
//    they run here on the thread pool, one point per thread;
//  after the device: the positive-only solve and both log-determinants
//    (host_solve.hpp) on the F and D the device formed.
#include <cstddef>
#include <span>
#include <vector>

#include "likelihoods/lens/device/pixelized_plan.hpp"
#include "likelihoods/lens/mesh/delaunay.hpp"
#include "likelihoods/lens/pixelization/sparse_regularization.hpp"

namespace nslab {

// Host memory of one staged point: H (sparse), the Delaunay working arrays,
// and the solve's scratch.
class PixelizedHostPoint {
 public:
  explicit PixelizedHostPoint(const PixelizedPlan& plan);
  std::span<std::byte> solve_scratch() { return solve_scratch_; }

  // The row (pixelized_device::kValuesPerPoint values), H, and for Delaunay
  // the mapping slots into rows_upload (plan.rows_upload_bytes, laid out as
  // the replica region's [map_index, ...)). False when the CPU's fit would
  // return -inf (a non-finite traced point, or qhull refusing the vertices);
  // the device work of such a point runs on empty rows and its value is -inf.
  bool prepare(const PixelizedPlan& plan, const PixelizedSource& source, std::span<const double> theta,
               double* row, std::byte* rows_upload);

  // solve_on_host on the device's F (Real) and D, with this point's H.
  template <class Real>
  InversionSolution solve(const PixelizedPlan& plan, const Real* curvature, const double* data_vector,
                          double* solution);

 private:
  // H as the CPU's source makes it (sparse, with ln det H), in
  // regularization_memory_ (the rectangular values, or the Delaunay
  // assembly's arena), sized on first use.
  SparseRegularization regularization_;
  std::vector<std::byte> regularization_memory_;
  std::vector<std::byte> solve_scratch_;
  std::vector<double> border_y_, border_x_, vertex_y_, vertex_x_, dual_area_, traced_y_, traced_x_;
  std::vector<int> border_order_;
  std::vector<PixelMapping> rows_;
  std::unique_ptr<DelaunayHeapStorage> storage_;
};

}  // namespace nslab
