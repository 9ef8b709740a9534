#include "likelihoods/synthetic/mapping.hpp"

#include <cmath>

#include "core/error.hpp"
#include "likelihoods/grid/circular_mask.hpp"

namespace nslab {

MappingShape MappingShape::for_instrument(const std::string& instrument) {
  if (instrument == "ci") return {"ci", 0.35, 3.5, 10, 10};
  if (instrument == "hst") return {"hst", 0.05, 3.5, 30, 50};
  throw UsageError("synthetic/mapping has sizes ci and hst, not '" + instrument + "'");
}

std::vector<std::string> MappingProblem::parameter_names() {
  return {"scale", "rotation", "shift_y", "shift_x"};
}

Prior MappingProblem::prior() {
  return Prior({ParameterPrior::uniform(0.3, 0.5), ParameterPrior::uniform(-0.3, 0.3),
                ParameterPrior::uniform(-0.2, 0.2), ParameterPrior::uniform(-0.2, 0.2)});
}

void trace_to_source(const double* theta, double image_y, double image_x, double& beta_y,
                     double& beta_x) {
  const double c = std::cos(theta[1]), s = std::sin(theta[1]);
  beta_y = theta[0] * (c * image_y + s * image_x) + theta[2];
  beta_x = theta[0] * (-s * image_y + c * image_x) + theta[3];
}

BilinearWeights source_bilinear_weights(const MappingProblem& problem, double beta_y,
                                        double beta_x) {
  BilinearWeights out{};
  const int rows = problem.shape.source_rows, cols = problem.shape.source_cols;
  const double w = problem.source_half_width;
  // Grid nodes span [-w, w] on each axis; row 0 is the top (largest y).
  const double fy = (w - beta_y) / (2 * w) * (rows - 1);
  const double fx = (beta_x + w) / (2 * w) * (cols - 1);
  if (!(fy >= 0 && fy <= rows - 1 && fx >= 0 && fx <= cols - 1)) return out;
  const int r0 = std::min(static_cast<int>(fy), rows - 2);
  const int c0 = std::min(static_cast<int>(fx), cols - 2);
  const double ty = fy - r0, tx = fx - c0;
  const int corner[4] = {r0 * cols + c0, r0 * cols + c0 + 1, (r0 + 1) * cols + c0,
                         (r0 + 1) * cols + c0 + 1};
  const double weight[4] = {(1 - ty) * (1 - tx), (1 - ty) * tx, ty * (1 - tx), ty * tx};
  for (int k = 0; k < 4; ++k) {
    out.index[k] = corner[k];
    out.weight[k] = weight[k];
  }
  out.count = 4;
  return out;
}

MappingProblem MappingProblem::make(const MappingShape& shape) {
  MappingProblem problem;
  problem.shape = shape;
  const CircularMask mask = make_circular_mask(
      instrument_grid_size(shape.pixel_scale, shape.mask_radius), shape.pixel_scale,
      shape.mask_radius);
  for (const auto& pixel : mask.pixels) {
    problem.image_y.push_back(pixel.y);
    problem.image_x.push_back(pixel.x);
  }
  problem.truth = {0.4, 0.1, 0.05, -0.05};
  problem.truth_width = {0.01, 0.03, 0.02, 0.02};
  // Smooth truth source: two Gaussian blobs on the grid nodes.
  std::vector<double> source(problem.source_pixels());
  const double w = problem.source_half_width;
  for (int r = 0; r < shape.source_rows; ++r) {
    for (int c = 0; c < shape.source_cols; ++c) {
      const double y = w - 2 * w * r / (shape.source_rows - 1);
      const double x = -w + 2 * w * c / (shape.source_cols - 1);
      source[r * shape.source_cols + c] =
          std::exp(-((y - 0.2) * (y - 0.2) + (x + 0.1) * (x + 0.1)) / (2 * 0.3 * 0.3)) +
          0.5 * std::exp(-((y + 0.4) * (y + 0.4) + (x - 0.5) * (x - 0.5)) / (2 * 0.5 * 0.5));
    }
  }
  problem.data.resize(problem.image_pixels());
  for (std::size_t i = 0; i < problem.image_pixels(); ++i) {
    double beta_y, beta_x;
    trace_to_source(problem.truth.data(), problem.image_y[i], problem.image_x[i], beta_y, beta_x);
    const BilinearWeights weights = source_bilinear_weights(problem, beta_y, beta_x);
    double value = 0.0;
    for (int k = 0; k < weights.count; ++k) value += weights.weight[k] * source[weights.index[k]];
    problem.data[i] = value;
  }
  return problem;
}

}  // namespace nslab
