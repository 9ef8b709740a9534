#pragma once
// A shell's points and the statistics the evidence is built from
// (docs/nautilus.md, "Evidence and posterior").
#include <cstddef>
#include <limits>
#include <vector>

namespace nslab {

struct Shell {
  std::vector<double> points;  // unit cube, row-major count x dim
  std::vector<double> log_l;
  std::size_t n_sample = 0;    // draws from the shell's bound credited to it, kept or not
  double log_l_min = -std::numeric_limits<double>::infinity();  // threshold of its bound
  // Where the exploration phase ended: its draws and its points (which come first).
  std::size_t n_sample_exploration = 0;
  std::size_t end_exploration = 0;

  // Derived by refresh_shell from the points that count.
  std::size_t n = 0;
  double log_v = -std::numeric_limits<double>::infinity();
  double log_l_mean = std::numeric_limits<double>::quiet_NaN();  // NaN when empty
  double n_eff = 0.0;

  std::size_t size() const { return log_l.size(); }
  // The first point that counts: exploration points are skipped when discarded.
  std::size_t first_counted(bool discard) const { return discard ? end_exploration : 0; }
};

// Recomputes n, log V = log V(bound) + log(n / n_sample), the mean likelihood
// and the Kish effective size of the points that count.
void refresh_shell(Shell& shell, double bound_log_v, bool discard_exploration);

}  // namespace nslab
