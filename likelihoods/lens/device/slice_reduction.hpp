#pragma once
// Sums over pixels on the device are split into a fixed number of pixel
// slices, each summed in pixel order, and the slices then added in slice
// order: the order depends on the pixel count alone, never on the batch or
// the grid, so one point's value is the same in any batch (docs/gpu.md,
// "Determinism"). The host emulations use the same split.
#include "core/host_device.hpp"

namespace nslab {

inline constexpr int kPixelSlices = 32;

// Pixels [begin, end) of slice `slice` of `pixels`.
NSLAB_HOST_DEVICE inline void slice_range(int slice, int pixels, int& begin, int& end) {
  const int per_slice = (pixels + kPixelSlices - 1) / kPixelSlices;
  begin = slice * per_slice < pixels ? slice * per_slice : pixels;
  end = begin + per_slice < pixels ? begin + per_slice : pixels;
}

// Entry e of a lower triangle stored row by row: e = i (i + 1) / 2 + j, j <= i.
NSLAB_HOST_DEVICE inline void lower_entry(int e, int& i, int& j) {
  i = 0;
  while ((i + 1) * (i + 2) / 2 <= e) ++i;
  j = e - i * (i + 1) / 2;
}

}  // namespace nslab
