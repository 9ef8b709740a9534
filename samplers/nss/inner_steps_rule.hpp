#pragma once
// num_inner_steps=auto: how many slice steps each NSS inner chain takes so
// that log Z carries no bias from chains too short to forget their start.
//
//   auto = max(5, 3 * dim)
//
// Derived from calibration runs (docs/compare.md, "num_inner_steps=auto"):
// NSS on the analytic gaussian at d = 2..20, 50-100 seeds per length. The
// bias falls roughly exponentially in the chain length, more slowly the
// higher the dimension, and grows with dimension at a fixed length: BlackJAX's
// max(5, 2 dim) leaves +0.20 ± 0.05 at d15 and +0.47 ± 0.08 at d20 (4-6
// standard errors), while 3 dim is within one standard error of zero at
// d10, d15 and d20 (and costs 1.5x the evaluations of 2 dim).
#include <cstddef>

namespace nslab {

std::size_t auto_num_inner_steps(std::size_t dim);

}  // namespace nslab
