#pragma once
// What distinguishes the two pixelized-source models: the mesh the traced,
// border-relocated grid is interpolated onto, and its regularization.
//  - RectangularSource: RectangularAdaptImage (side x side) + Constant;
//    the outer ring is held at zero by the solve.
//  - DelaunaySource: vertices placed once in the image plane (Hilbert image
//    mesh), traced and border-relocated every evaluation, triangulated, +
//    ConstantSplit.
// Both are built once per dataset; map() runs per evaluation and takes all
// its working memory from the evaluation's arena (scratch_bytes()).
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/tracked_buffer.hpp"
#include "core/workspace.hpp"
#include "likelihoods/lens/mesh/delaunay.hpp"
#include "likelihoods/lens/mesh/hilbert_image_mesh.hpp"
#include "likelihoods/lens/mesh/rectangular_adapt.hpp"
#include "likelihoods/lens/pixelization/border_relocation.hpp"
#include "likelihoods/lens/pixelization/mapping_matrix.hpp"
#include "likelihoods/lens/pixelization/sparse_regularization.hpp"
#include "likelihoods/lens/profiles.hpp"

namespace nslab {

class PixelizedSource {
 public:
  virtual ~PixelizedSource() = default;
  virtual std::string description() const = 0;
  virtual std::size_t source_pixels() const = 0;
  // Mesh pixels the inversion does not solve for (held at 0), ascending.
  virtual std::vector<std::uint32_t> zeroed_pixels() const = 0;
  // Arena bytes map() takes for `image_pixels` traced points.
  virtual std::size_t scratch_bytes(std::size_t image_pixels) const = 0;
  // From the relocated traced grid (y, x): one mapping row per image pixel
  // and H with ln det H (sparse, its arrays taken from `scratch`). `lens`
  // and `border` trace and relocate mesh vertices that live in the image
  // plane. Returns false when no mesh can be built (non-finite positions, a
  // degenerate triangulation): the figure of merit is then -inf.
  virtual bool map(const LensMass& lens, const BorderEllipse& border, std::span<const double> y,
                   std::span<const double> x, double coefficient, std::span<PixelMapping> rows,
                   SparseRegularization& regularization, ScratchArena& scratch) const = 0;
};

class RectangularSource final : public PixelizedSource {
 public:
  // adapt_image: one value per masked pixel (the weight map's source).
  RectangularSource(int side, std::span<const double> adapt_image);
  std::string description() const override;
  std::size_t source_pixels() const override { return mesh_.pixels(); }
  std::vector<std::uint32_t> zeroed_pixels() const override;
  std::size_t scratch_bytes(std::size_t image_pixels) const override;
  bool map(const LensMass& lens, const BorderEllipse& border, std::span<const double> y,
           std::span<const double> x, double coefficient, std::span<PixelMapping> rows,
           SparseRegularization& regularization, ScratchArena& scratch) const override;
  const RectangularAdaptImageMesh& mesh() const { return mesh_; }
  // The rank-CDF weights of the masked pixels (one per traced point).
  std::span<const double> weight_map() const { return weight_map_.span(); }

 private:
  RectangularAdaptImageMesh mesh_;
  TrackedBuffer<double> weight_map_;
};

class DelaunaySource final : public PixelizedSource {
 public:
  explicit DelaunaySource(const std::vector<MeshVertex>& image_plane_vertices,
                          double areas_factor = 0.5);
  std::string description() const override;
  std::size_t source_pixels() const override { return vertex_y_.size(); }
  std::vector<std::uint32_t> zeroed_pixels() const override { return {}; }
  std::size_t scratch_bytes(std::size_t image_pixels) const override;
  bool map(const LensMass& lens, const BorderEllipse& border, std::span<const double> y,
           std::span<const double> x, double coefficient, std::span<PixelMapping> rows,
           SparseRegularization& regularization, ScratchArena& scratch) const override;
  std::span<const double> image_plane_y() const { return vertex_y_.span(); }
  std::span<const double> image_plane_x() const { return vertex_x_.span(); }
  double areas_factor() const { return areas_factor_; }

  // map()'s three steps, for the device likelihoods' host half: the vertices
  // traced and relocated into (vy, vx) -- false when map() would fail on a
  // non-finite vertex (qhull's own failures throw std::runtime_error) --; the
  // traced grid's rows on a triangulation of them, located in scipy's order
  // (each point's walk starts from the previous point's triangle); and H on
  // it, sparse, in `assembly`'s arrays, with ln det H (`dual_area`:
// source_pixels() values).
  bool trace_vertices(const LensMass& lens, const BorderEllipse& border, std::span<double> vy,
                      std::span<double> vx) const;
  void interpolate(const DelaunayTriangulation& triangulation, std::span<const double> y,
                   std::span<const double> x, std::span<PixelMapping> rows) const;
  SparseRegularization regularization(const DelaunayTriangulation& triangulation, double coefficient,
                                      std::span<double> dual_area, SparseRegularizationAssembly& assembly) const;

 private:
  TrackedBuffer<double> vertex_y_, vertex_x_;
  double areas_factor_;
};

}  // namespace nslab
