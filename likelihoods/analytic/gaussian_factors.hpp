#pragma once
// The numbers GaussianLikelihood evaluates with (mean, lower Cholesky factor
// of the covariance, log normaliser), as plain arrays, so device code can use
// exactly the same values without compiling Eigen under nvcc.
#include <vector>

namespace nslab {

struct GaussianFactors {
  int dim = 0;
  std::vector<double> mean;             // dim
  std::vector<double> lower_row_major;  // dim x dim, zero above the diagonal
  double log_normaliser = 0.0;
  double box_half_width = 0.0;
};

GaussianFactors gaussian_factors(int dim);

}  // namespace nslab
