#pragma once
// The host tables of the lens device plans on the device (CUDA-only header):
// tracked copies of their arrays (fixed overhead) and the geometry pointing
// at them, for the kernels that call psf_steps.hpp and mge_steps.hpp.
#include "likelihoods/cuda/device_batch.cuh"
#include "likelihoods/lens/device/light_grid.hpp"
#include "likelihoods/lens/device/psf_plan.hpp"

namespace nslab {

struct DevicePsfTables {
  TrackedBuffer<std::int32_t> canvas, origin;
  TrackedBuffer<double> weights_a, weights_b, output_scale;
  PsfGeometry geometry{};

  DevicePsfTables() = default;
  DevicePsfTables(const PsfPlan& plan, cudaStream_t stream)
      : canvas(device_copy(plan.canvas, stream)), origin(device_copy(plan.origin, stream)),
        weights_a(device_copy(plan.weights_a, stream)), weights_b(device_copy(plan.weights_b, stream)),
        output_scale(device_copy(plan.output_scale, stream)), geometry(plan.geometry) {
    geometry.canvas = canvas.data(), geometry.origin = origin.data();
    geometry.weights_a = weights_a.data(), geometry.weights_b = weights_b.data();
    geometry.output_scale = plan.output_scale.empty() ? nullptr : output_scale.data();
  }
};

struct DeviceLightGrid {
  TrackedBuffer<double> sub_y, sub_x, weight, blur_y, blur_x;
  TrackedBuffer<std::uint32_t> sub_begin;
  BasisGeometry geometry{};

  DeviceLightGrid() = default;
  DeviceLightGrid(const LightGridTables& tables, cudaStream_t stream)
      : sub_y(device_copy(tables.sub_y, stream)), sub_x(device_copy(tables.sub_x, stream)),
        weight(device_copy(tables.weight, stream)), blur_y(device_copy(tables.blur_y, stream)),
        blur_x(device_copy(tables.blur_x, stream)), sub_begin(device_copy(tables.sub_begin, stream)),
        geometry(tables.geometry) {
    geometry.sub_y = sub_y.data(), geometry.sub_x = sub_x.data(), geometry.sub_begin = sub_begin.data();
    geometry.weight = weight.data(), geometry.blur_y = blur_y.data(), geometry.blur_x = blur_x.data();
  }
};

}  // namespace nslab
