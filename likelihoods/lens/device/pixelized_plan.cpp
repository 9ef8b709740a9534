#include "likelihoods/lens/device/pixelized_plan.hpp"

#include <stdexcept>

#include "core/allocator.hpp"
#include "likelihoods/lens/pixelization/border_relocation.hpp"

namespace nslab {

namespace {

using namespace pixelized_device;

// Appends arrays to a replica region, each at an aligned offset.
struct RegionLayout {
  std::size_t bytes = 0;
  template <class T>
  std::size_t take(std::size_t count) {
    const std::size_t offset = bytes;
    bytes += aligned_array_bytes<T>(count);
    return offset;
  }
  std::size_t take_bytes(std::size_t count) {
    const std::size_t offset = bytes;
    bytes += aligned_bytes(count);
    return offset;
  }
};

PixelizedMesh mesh_of(const PixelizedSource& source) {
  if (dynamic_cast<const RectangularSource*>(&source) != nullptr) return PixelizedMesh::kRectangular;
  if (dynamic_cast<const DelaunaySource*>(&source) != nullptr) return PixelizedMesh::kDelaunay;
  throw std::logic_error("the device pixelized likelihood knows RectangularSource and DelaunaySource only");
}

}  // namespace

PixelizedPlan::PixelizedPlan(const MaskedImaging& im, const PixelizedSource& source,
                             InversionFormulation formulation_, bool single)
    : mesh(mesh_of(source)), formulation(formulation_),
      real_bytes(single && formulation_ == InversionFormulation::kDense ? sizeof(float) : sizeof(double)),
      light(im), light_psf(*im.psf, im.psf_kernel),
      masked_psf(std::make_unique<MaskedPsfOperator>(im.psf_kernel, im.mask)),
      kernel(im.psf_kernel.values), border(border_pixel_indexes(im.mask)) {
  n = static_cast<int>(im.masked_pixels());
  blurring = static_cast<int>(im.blurring_pixels());
  sources = static_cast<int>(source.source_pixels());
  parameters = kLight + sources;
  layout.parameters = static_cast<std::size_t>(parameters);
  layout.regularized_begin = kLight;
  layout.regularized_count = static_cast<std::size_t>(sources);
  for (std::uint32_t p : source.zeroed_pixels()) layout.excluded.push_back(static_cast<std::uint32_t>(kLight) + p);
  for (std::ptrdiff_t origin : masked_psf->origin()) canvas_origin.push_back(origin);
  for (const MaskedPixel& p : im.mask.pixels) image_y.push_back(p.y), image_x.push_back(p.x);
  if (mesh == PixelizedMesh::kRectangular) {
    const auto& rectangular = dynamic_cast<const RectangularSource&>(source);
    side = rectangular.mesh().side();
    weight_map.assign(rectangular.weight_map().begin(), rectangular.weight_map().end());
  }
  if (dense()) {
    inverse_sigma.resize(n), weighted_data.resize(n), data_over_sigma.resize(n);
    for (int i = 0; i < n; ++i) {
      inverse_sigma[i] = 1.0 / im.noise_map[i];
      weighted_data[i] = im.data[i] * inverse_sigma[i];
      data_over_sigma[i] = im.data[i] / im.noise_map[i];
    }
  } else {
    transpose_psf.emplace(masked_psf->transposed(), turned_half_way(im.psf_kernel));
    inverse_variance.resize(n);
    for (int i = 0; i < n; ++i) inverse_variance[i] = 1.0 / (im.noise_map[i] * im.noise_map[i]);
    data.assign(im.data.span().begin(), im.data.span().end());
    noise.assign(im.noise_map.span().begin(), im.noise_map.span().end());
    w_tilde = std::make_unique<WTildeOperator>(*masked_psf, im.data.span(), im.noise_map.span());
  }

  const std::size_t un = static_cast<std::size_t>(n), s = static_cast<std::size_t>(sources),
                    t = static_cast<std::size_t>(parameters), slots = kSlots * un;
  RegionLayout region;
  PixelizedOffsets& o = offsets;
  o.status = region.take<std::int32_t>(1);
  o.light = region.take<double>((un + static_cast<std::size_t>(blurring)) * kLight);
  o.light_pass = region.take<double>(light_psf.pass_entries(kLight));
  o.blurred_light = region.take<double>(un * kLight);
  o.map_index = region.take<std::int32_t>(slots);
  o.map_weight = region.take<double>(slots);
  o.slot_key_in = region.take<std::uint32_t>(slots);
  o.slot_key_out = region.take<std::uint32_t>(slots);
  o.slot_in = region.take<std::int32_t>(slots);
  o.slot_out = region.take<std::int32_t>(slots);
  o.slot_offsets = region.take<std::int32_t>(s + 1);
  o.data_vector = region.take<double>(t);
  o.solution = region.take<double>(t);
  o.residuals = region.take<double>(un);
  o.chi_squared = region.take<double>(1);
  if (mesh == PixelizedMesh::kRectangular) {
    o.traced_y = region.take<double>(un);
    o.traced_x = region.take<double>(un);
    o.statistics = region.take<double>(3);
    o.key_in = region.take<double>(un);
    o.key_out = region.take<double>(un);
    o.order_in = region.take<std::int32_t>(un);
    o.order_out = region.take<std::int32_t>(un);
    o.prefix = region.take<double>(un);
    o.transform_y = region.take<double>(un);
    o.transform_x = region.take<double>(un);
  } else {
    // The host's rows: map_index and map_weight, adjacent, in one copy.
    rows_upload_bytes = o.map_weight - o.map_index + aligned_array_bytes<double>(slots);
  }
  if (dense()) {
    o.columns = region.take_bytes(un * t * real_bytes);
    o.curvature = region.take_bytes(t * t * real_bytes);
  } else {
    o.weighted_light = region.take<double>(un * kLight);
    o.projected = region.take<double>(un * kLight);
    o.projected_pass = region.take<double>(transpose_psf->pass_entries(kLight));
    o.curvature = region.take<double>(t * t);
    o.mapped = region.take<double>(un);
    o.blurred = region.take<double>(un);
  }
  bytes_per_replica = region.bytes;
}

std::map<std::string, double> pixelized_sizes(const MaskedImaging& im, const PixelizedPlan& plan) {
  const double operator_bytes = plan.w_tilde ? static_cast<double>(plan.w_tilde->bytes()) : 0.0;
  return {{"masked_pixels", static_cast<double>(im.masked_pixels())},
          {"over_sampled_pixels", static_cast<double>(im.over_sampled_points())},
          {"blurring_pixels", static_cast<double>(im.blurring_pixels())},
          {"source_pixels", static_cast<double>(plan.sources)},
          {"zeroed_source_pixels", static_cast<double>(plan.layout.excluded.size())},
          {"linear_parameters", static_cast<double>(plan.parameters)},
          {"image_rows", static_cast<double>(im.dataset.data.rows)},
          {"operator_bytes", operator_bytes}};
}

}  // namespace nslab
