#include "likelihoods/lens/pixelization/pixelized_source.hpp"

#include <cmath>
#include <stdexcept>

#include "core/phase_profile.hpp"
#include "likelihoods/lens/mesh/constant_split.hpp"

namespace nslab {

RectangularSource::RectangularSource(int side, std::span<const double> adapt_image)
    : mesh_(side), weight_map_(adapt_image.size()) {
  mesh_.mesh_weight_map(adapt_image, weight_map_.span());
}

std::string RectangularSource::description() const {
  return "RectangularAdaptImage " + std::to_string(mesh_.side()) + "x" +
         std::to_string(mesh_.side()) + " + Constant";
}

std::vector<std::uint32_t> RectangularSource::zeroed_pixels() const {
  std::vector<std::uint32_t> out;
  for (int p : mesh_.edge_pixels()) out.push_back(static_cast<std::uint32_t>(p));
  return out;
}

std::size_t RectangularSource::scratch_bytes(std::size_t image_pixels) const {
  return RectangularAdaptImageMesh::scratch_bytes(image_pixels) +
         aligned_array_bytes<RectangularWeights>(image_pixels) +
         aligned_array_bytes<double>(mesh_.constant_regularization_entries());  // H's values
}

bool RectangularSource::map(const LensMass&, const BorderEllipse&, std::span<const double> y,
                            std::span<const double> x, double coefficient,
                            std::span<PixelMapping> rows, SparseRegularization& regularization,
                            ScratchArena& scratch) const {
  const std::size_t n = y.size();
  // The adaptive mesh is built from the traced points' ranks as it
  // interpolates, so the profile books both as mesh.
  PhaseTimer mesh_timer(Phase::kMesh);
  auto weights = scratch.take<RectangularWeights>(n);
  mesh_.interpolate(y, x, weight_map_.span(), scratch, weights);
  for (std::size_t i = 0; i < n; ++i)
    for (int k = 0; k < 4; ++k) {
      rows[i].index[k] = weights[i].index[k];
      rows[i].weight[k] = weights[i].weight[k];
    }
  PhaseTimer regularization_timer(Phase::kMesh);
  auto values = scratch.take<double>(mesh_.constant_regularization_entries());
  regularization = mesh_.constant_regularization(coefficient, values);
  return true;
}

DelaunaySource::DelaunaySource(const std::vector<MeshVertex>& image_plane_vertices,
                               double areas_factor)
    : vertex_y_(image_plane_vertices.size()), vertex_x_(image_plane_vertices.size()),
      areas_factor_(areas_factor) {
  for (std::size_t v = 0; v < image_plane_vertices.size(); ++v) {
    vertex_y_[v] = image_plane_vertices[v].y;
    vertex_x_[v] = image_plane_vertices[v].x;
  }
}

std::string DelaunaySource::description() const {
  return "Delaunay " + std::to_string(source_pixels()) + " vertices (Hilbert image mesh) + ConstantSplit";
}

std::size_t DelaunaySource::scratch_bytes(std::size_t) const {
  const std::size_t v = source_pixels();
  return 2 * aligned_array_bytes<double>(v)               // traced vertices
         + DelaunayTriangulation::storage_bytes(v)        // the triangulation
         + aligned_array_bytes<double>(v)                 // dual areas
         + SparseRegularizationAssembly::scratch_bytes(v, constant_split_contributions(v));  // H
}

bool DelaunaySource::trace_vertices(const LensMass& lens, const BorderEllipse& border,
                                    std::span<double> vy, std::span<double> vx) const {
  const std::size_t v = source_pixels();
  PhaseTimer trace_timer(Phase::kRayTracing);
  for (std::size_t k = 0; k < v; ++k) {
    lens.trace(vertex_y_[k], vertex_x_[k], vy[k], vx[k]);
    if (!std::isfinite(vy[k]) || !std::isfinite(vx[k])) return false;
  }
  relocate_outside_border(border, vy, vx);
  return true;
}

void DelaunaySource::interpolate(const DelaunayTriangulation& triangulation, std::span<const double> y,
                                 std::span<const double> x, std::span<PixelMapping> rows) const {
  PhaseTimer mapping_timer(Phase::kMapping);
  int hint = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    const TriangleWeights w = triangulation.interpolation_weights(y[i], x[i], hint);
    for (int k = 0; k < 3; ++k) {
      rows[i].index[k] = w.index[k];
      rows[i].weight[k] = w.weight[k];
    }
    rows[i].index[3] = -1;
    rows[i].weight[3] = 0.0;
  }
}

SparseRegularization DelaunaySource::regularization(const DelaunayTriangulation& triangulation, double coefficient,
                                                    std::span<double> dual_area,
                                                    SparseRegularizationAssembly& assembly) const {
  PhaseTimer regularization_timer(Phase::kMesh);
  return constant_split_regularization(triangulation, coefficient, areas_factor_, dual_area, assembly);
}

bool DelaunaySource::map(const LensMass& lens, const BorderEllipse& border,
                         std::span<const double> y, std::span<const double> x, double coefficient,
                         std::span<PixelMapping> rows, SparseRegularization& regularization_matrix,
                         ScratchArena& scratch) const {
  const std::size_t v = source_pixels();
  auto vy = scratch.take<double>(v);
  auto vx = scratch.take<double>(v);
  if (!trace_vertices(lens, border, vy, vx)) return false;
  const auto storage = DelaunayTriangulation::take_storage(scratch, v);
  auto dual_area = scratch.take<double>(v);
  SparseRegularizationAssembly assembly(v, constant_split_contributions(v), scratch);
  try {
    PhaseTimer mesh_timer(Phase::kMesh);
    const DelaunayTriangulation triangulation(vy, vx, storage);
    mesh_timer.stop();
    interpolate(triangulation, y, x, rows);
    regularization_matrix = regularization(triangulation, coefficient, dual_area, assembly);
  } catch (const std::runtime_error&) {
    return false;  // qhull could not triangulate these positions (PyAutoLens raises)
  }
  return true;
}

}  // namespace nslab
