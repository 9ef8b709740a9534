#pragma once
// Border relocation of one traced point (border_relocation.hpp), for the host
// and the device alike: the CPU's relocate_outside_border and the
// rectangular device likelihood call this one body (docs/gpu.md). Written
// with plain operators, as the CPU code always was, so the CPU build
// contracts it as before; the device code that calls it is compiled with
// -fmad=false and the host emulation with -ffp-contract=off, so both round
// every operation on its own.
#include <cmath>

#include "core/host_device.hpp"

namespace nslab {

// Moves (y, x) radially onto the ellipse (centre (oy, ox), semi-axes a, b
// along x', y', x' at angle phi with c = cos phi, s = sin phi) when it lies
// outside; returns whether it moved.
NSLAB_HOST_DEVICE inline bool relocate_point(double oy, double ox, double a, double b, double c, double s,
                                             double& y, double& x) {
  const double dy = y - oy, dx = x - ox;
  const double xp = c * dx + s * dy, yp = -s * dx + c * dy;
  const double q = (xp / a) * (xp / a) + (yp / b) * (yp / b);
  if (!(q > 1.0)) return false;
  const double floor_q = 1.0 + 1e-12;
  const double scale = 1.0 / sqrt(q < floor_q ? floor_q : q);  // std::max(q, 1 + 1e-12)
  const double xp2 = xp * scale, yp2 = yp * scale;
  x = ox + (c * xp2 - s * yp2);
  y = oy + (s * xp2 + c * yp2);
  return true;
}

}  // namespace nslab
