#include "likelihoods/lens/device/pixelized_host_steps.hpp"

#include <Eigen/Dense>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "core/denormals.hpp"
#include "likelihoods/lens/device/host_solve.hpp"
#include "likelihoods/lens/lens_parameters.hpp"
#include "likelihoods/lens/mesh/constant_split.hpp"

namespace nslab {

using namespace pixelized_device;

namespace {

// The first kAllocationAlignment-aligned byte of `memory` (sized with that
// much to spare), and an arena over the rest.
std::byte* aligned_start(std::vector<std::byte>& memory) {
  std::byte* base = memory.data();
  const auto address = reinterpret_cast<std::uintptr_t>(base);
  return base + (kAllocationAlignment - address % kAllocationAlignment) % kAllocationAlignment;
}

ScratchArena aligned_arena(std::vector<std::byte>& memory) {
  return ScratchArena(aligned_start(memory), memory.size() - kAllocationAlignment);
}

}  // namespace

PixelizedHostPoint::PixelizedHostPoint(const PixelizedPlan& plan)
    : solve_scratch_(aligned_bytes(host_solve_scratch_bytes(plan.layout)) + kAllocationAlignment),
      border_y_(plan.border.size()), border_x_(plan.border.size()), border_order_(plan.border.size()) {
  std::iota(border_order_.begin(), border_order_.end(), 0);
  if (plan.mesh == PixelizedMesh::kDelaunay) {
    vertex_y_.resize(plan.sources), vertex_x_.resize(plan.sources), dual_area_.resize(plan.sources);
    traced_y_.resize(plan.n), traced_x_.resize(plan.n), rows_.resize(plan.n);
    storage_ = std::make_unique<DelaunayHeapStorage>(plan.sources);
  }
}

bool PixelizedHostPoint::prepare(const PixelizedPlan& plan, const PixelizedSource& source,
                                 std::span<const double> theta, double* row, std::byte* rows_upload) {
  const FlushDenormalsScope flush;  // as PixelizedLikelihood::fit
  fill_lens_row(theta, row);
  const LensMass mass{Isothermal(theta[4], theta[5], {theta[6], theta[7]}, theta[8]),
                      ExternalShear{theta[9], theta[10]}};  // lens_galaxy_from's
  const double coefficient = theta[kLensParameterCount];
  const bool delaunay = plan.mesh == PixelizedMesh::kDelaunay;
  // The border pixels (rectangular: the device traces the rest) or the whole
  // grid (Delaunay), traced as fit() traces them; the ellipse is fit()'s: it
  // reads only the border pixels.
  bool finite = true;
  BorderEllipse ellipse{0.0, 0.0, 1.0, 1.0, 0.0};
  if (delaunay) {
    for (int i = 0; i < plan.n; ++i) {
      mass.trace(plan.image_y[i], plan.image_x[i], traced_y_[i], traced_x_[i]);
      finite = finite && std::isfinite(traced_y_[i]) && std::isfinite(traced_x_[i]);
    }
    if (finite) ellipse = fit_border_ellipse(traced_y_, traced_x_, plan.border);
  } else {
    for (std::size_t k = 0; k < plan.border.size(); ++k) {
      const int i = plan.border[k];
      mass.trace(plan.image_y[i], plan.image_x[i], border_y_[k], border_x_[k]);
      finite = finite && std::isfinite(border_y_[k]) && std::isfinite(border_x_[k]);
    }
    if (finite) ellipse = fit_border_ellipse(border_y_, border_x_, border_order_);
  }
  row[kEllipseOriginY] = ellipse.origin_y, row[kEllipseOriginX] = ellipse.origin_x;
  row[kEllipseA] = ellipse.a, row[kEllipseB] = ellipse.b;
  row[kEllipseCos] = std::cos(ellipse.phi), row[kEllipseSin] = std::sin(ellipse.phi);

  if (!delaunay) {
    const RectangularAdaptImageMesh& mesh = dynamic_cast<const RectangularSource&>(source).mesh();
    const std::size_t entries = mesh.constant_regularization_entries();
    regularization_memory_.resize(entries * sizeof(double));
    regularization_ = mesh.constant_regularization(
        coefficient, std::span<double>(reinterpret_cast<double*>(regularization_memory_.data()), entries));
    return finite;
  }
  // Delaunay: DelaunaySource::map's steps; its rows go to the device.
  auto send_rows = [&] {
    const std::size_t slots = static_cast<std::size_t>(kSlots) * plan.n;
    auto* index = reinterpret_cast<std::int32_t*>(rows_upload);
    auto* weight = reinterpret_cast<double*>(rows_upload + (plan.offsets.map_weight - plan.offsets.map_index));
    for (std::size_t slot = 0; slot < slots; ++slot)
      index[slot] = rows_[slot / kSlots].index[slot % kSlots], weight[slot] = rows_[slot / kSlots].weight[slot % kSlots];
  };
  for (PixelMapping& r : rows_) r = PixelMapping{{-1, -1, -1, -1}, {0.0, 0.0, 0.0, 0.0}};
  bool mapped = false;
  if (finite) {
    relocate_outside_border(ellipse, traced_y_, traced_x_);
    const auto& mesh = dynamic_cast<const DelaunaySource&>(source);
    if (mesh.trace_vertices(mass, ellipse, vertex_y_, vertex_x_)) {
      try {
        const DelaunayTriangulation triangulation(vertex_y_, vertex_x_, storage_->view());
        mesh.interpolate(triangulation, traced_y_, traced_x_, rows_);
        const std::size_t v = static_cast<std::size_t>(plan.sources);
        const std::size_t contributions = constant_split_contributions(v);
        regularization_memory_.resize(SparseRegularizationAssembly::scratch_bytes(v, contributions) +
                                      kAllocationAlignment);
        ScratchArena arena = aligned_arena(regularization_memory_);
        SparseRegularizationAssembly assembly(v, contributions, arena);
        regularization_ = mesh.regularization(triangulation, coefficient, dual_area_, assembly);
        mapped = true;
      } catch (const std::runtime_error&) {
        for (PixelMapping& r : rows_) r = PixelMapping{{-1, -1, -1, -1}, {0.0, 0.0, 0.0, 0.0}};
      }  // qhull could not triangulate these positions (as DelaunaySource::map)
    }
  }
  send_rows();
  return mapped;
}

template <class Real>
InversionSolution PixelizedHostPoint::solve(const PixelizedPlan& plan, const Real* curvature,
                                            const double* data_vector, double* solution) {
  const FlushDenormalsScope flush;
  std::byte* base = aligned_start(solve_scratch_);
  return solve_regularized_on_host<Real>(plan.layout, curvature, data_vector, regularization_, solution, base,
                                         solve_scratch_.size() - kAllocationAlignment);
}

template InversionSolution PixelizedHostPoint::solve<double>(const PixelizedPlan&, const double*,
                                                             const double*, double*);
template InversionSolution PixelizedHostPoint::solve<float>(const PixelizedPlan&, const float*,
                                                            const double*, double*);

}  // namespace nslab
