#pragma once
// The bilinear weights of one point on RectangularAdaptImage's mesh from its
// two rank-CDF transforms (rectangular_adapt.hpp), for the host and the
// device alike: the CPU's interpolate() and the rectangular device
// likelihood call this one body (docs/gpu.md). Written with plain operators,
// as the CPU code always was (see relocation_steps.hpp for how the device
// and the emulation keep every operation rounded on its own).
#include <cmath>

#include "core/host_device.hpp"

namespace nslab {

// Index space g = (side - 3) T + 1, i = clip(floor(g), 0, side - 2), t = g - i;
// four mesh pixels in PyAutoArray's order (tl, tr, bl, br).
NSLAB_HOST_DEVICE inline void rectangular_bilinear_weights(double transform_y, double transform_x, int side,
                                                           int index[4], double weight[4]) {
  const double top = static_cast<double>(side - 2);
  const double gy = (side - 3) * transform_y + 1.0;
  const double gx = (side - 3) * transform_x + 1.0;
  const double fy = floor(gy), fx = floor(gx);
  const double iy = fy < 0.0 ? 0.0 : (top < fy ? top : fy);  // std::clamp(floor(g), 0, side - 2)
  const double ix = fx < 0.0 ? 0.0 : (top < fx ? top : fx);
  const double t_row = gy - iy, t_col = gx - ix;
  const int row_down = side - static_cast<int>(iy), row_up = row_down - 1;
  const int col_down = static_cast<int>(ix), col_up = col_down + 1;
  index[0] = row_up * side + col_down;    // tl
  index[1] = row_up * side + col_up;      // tr
  index[2] = row_down * side + col_down;  // bl
  index[3] = row_down * side + col_up;    // br
  weight[0] = t_row * (1 - t_col);
  weight[1] = t_row * t_col;
  weight[2] = (1 - t_row) * (1 - t_col);
  weight[3] = (1 - t_row) * t_col;
}

}  // namespace nslab
