#include "samplers/nautilus/shell.hpp"

#include <algorithm>
#include <cmath>
#include <span>

#include "core/log_math.hpp"

namespace nslab {

void refresh_shell(Shell& shell, double bound_log_v, bool discard_exploration) {
  const std::size_t start = shell.first_counted(discard_exploration);
  const std::size_t n_sample =
      shell.n_sample - (discard_exploration ? shell.n_sample_exploration : 0);
  const std::span<const double> log_l(shell.log_l.data() + start, shell.log_l.size() - start);
  shell.n = log_l.size();
  if (shell.n == 0) {
    shell.log_v = kNegativeInfinity;
    shell.log_l_mean = std::numeric_limits<double>::quiet_NaN();
    shell.n_eff = 0.0;
    return;
  }
  const double n = static_cast<double>(shell.n);
  shell.log_v = bound_log_v + std::log(n / static_cast<double>(n_sample));
  double high = kNegativeInfinity;
  for (double value : log_l) high = std::max(high, value);
  if (high == kNegativeInfinity) {
    shell.log_l_mean = kNegativeInfinity;
    shell.n_eff = n;  // nautilus's convention for a shell of -inf only
    return;
  }
  double sum = 0.0, sum_squares = 0.0;
  for (double value : log_l) {
    const double w = std::exp(value - high);
    sum += w;
    sum_squares += w * w;
  }
  shell.log_l_mean = high + std::log(sum) - std::log(n);
  shell.n_eff = sum * sum / sum_squares;
}

}  // namespace nslab
