#include "likelihoods/lens/pixelization/border_relocation.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "support/mesh_reference.hpp"

namespace nslab {
namespace {

TEST(PixelizationBorder, MatchesPyAutoArray) {
  const auto& ref = mesh_test::reference()["border"];
  const CircularMask mask =
      make_circular_mask(ref["grid_size"].get<int>(), ref["pixel_scale"].get<double>(), 3.5);
  const auto border = border_pixel_indexes(mask);
  EXPECT_EQ(border, mesh_test::ints(ref["border_slim"]));

  auto y = mesh_test::doubles(ref["traced_y"]), x = mesh_test::doubles(ref["traced_x"]);
  const auto traced_y = y, traced_x = x;
  const BorderEllipse ellipse = fit_border_ellipse(y, x, border);
  relocate_outside_border(ellipse, y, x);
  const auto moved = mesh_test::ints(ref["moved"]);
  const auto ry = mesh_test::doubles(ref["relocated_y"]), rx = mesh_test::doubles(ref["relocated_x"]);
  std::size_t next = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    if (next < moved.size() && moved[next] == static_cast<int>(i)) {
      EXPECT_NEAR(y[i], ry[next], 1e-12) << i;
      EXPECT_NEAR(x[i], rx[next], 1e-12) << i;
      ++next;
    } else {
      EXPECT_EQ(y[i], traced_y[i]) << i;
      EXPECT_EQ(x[i], traced_x[i]) << i;
    }
  }
  EXPECT_GT(moved.size(), 10u);

  auto my = mesh_test::doubles(ref["mesh_y"]), mx = mesh_test::doubles(ref["mesh_x"]);
  relocate_outside_border(ellipse, my, mx);
  const auto rmy = mesh_test::doubles(ref["relocated_mesh_y"]);
  const auto rmx = mesh_test::doubles(ref["relocated_mesh_x"]);
  for (std::size_t i = 0; i < my.size(); ++i) {
    EXPECT_NEAR(my[i], rmy[i], 1e-12);
    EXPECT_NEAR(mx[i], rmx[i], 1e-12);
  }
}

TEST(PixelizationBorder, RelocatedPointsLieOnTheEllipseAndInsidePointsStay) {
  const CircularMask mask = make_circular_mask(41, 0.2, 3.5);
  const auto border = border_pixel_indexes(mask);
  // A sheared, shifted copy of the image grid: its border is an ellipse.
  std::vector<double> y, x;
  for (const auto& p : mask.pixels) {
    y.push_back(0.6 * p.y + 0.2 * p.x + 0.3);
    x.push_back(1.1 * p.x - 0.1);
  }
  const BorderEllipse e = fit_border_ellipse(y, x, border);
  std::vector<double> qy = {10.0, -7.0, 0.3, 0.25}, qx = {3.0, 0.0, -0.1, 0.0};
  const auto oy = qy, ox = qx;
  relocate_outside_border(e, qy, qx);
  const double c = std::cos(e.phi), s = std::sin(e.phi);
  for (int k = 0; k < 2; ++k) {
    const double dy = qy[k] - e.origin_y, dx = qx[k] - e.origin_x;
    const double xp = c * dx + s * dy, yp = -s * dx + c * dy;
    EXPECT_NEAR((xp / e.a) * (xp / e.a) + (yp / e.b) * (yp / e.b), 1.0, 1e-9);
    // Moved radially: same direction from the centre.
    const double before = std::atan2(oy[k] - e.origin_y, ox[k] - e.origin_x);
    EXPECT_NEAR(std::atan2(dy, dx), before, 1e-12);
  }
  for (int k = 2; k < 4; ++k) {
    EXPECT_EQ(qy[k], oy[k]);
    EXPECT_EQ(qx[k], ox[k]);
  }
}

}  // namespace
}  // namespace nslab
