#pragma once
// The Mann-Whitney U test (Wilcoxon rank-sum), two-sided, as Google
// Benchmark's compare.py applies it to repetitions: does one sample of
// timings tend to be larger than the other? No assumption of normality, so a
// few slow outliers from a busy machine do not drive it.
//
// Method (the same choice as scipy.stats.mannwhitneyu's default, so the two
// agree to rounding): the exact null distribution of U when there are no
// ties and one sample has at most 8 values; otherwise the normal
// approximation with the tie correction of the variance and a continuity
// correction of 1/2.
#include <span>
#include <string>

namespace nslab {

struct MannWhitneyResult {
  double u_first = 0;        // U of the first sample: pairs (x, y) with x > y, ties counting 1/2
  double p_two_sided = 1;    // P(a U at least this far from n1 n2 / 2 | same distribution)
  std::string method;        // "exact" or "normal"
  // The smallest p these sample sizes can give (complete separation): below
  // the chosen alpha or no verdict is possible at all.
  double smallest_possible_p = 1;
};

// Needs at least one value in each sample; throws std::invalid_argument otherwise.
MannWhitneyResult mann_whitney_u(std::span<const double> first, std::span<const double> second);

// Exact two-sided p for U = u (no ties), sizes n1 and n2: 2 P(U >= max(u, n1 n2 - u)), capped at 1.
double mann_whitney_exact_p(double u, int n1, int n2);

// The Hodges-Lehmann estimate of the ratio second / first: the median of
// every ratio y_j / x_i. Robust to a slow outlier on either side, and the
// effect size the verdicts compare with the minimum that matters.
double hodges_lehmann_ratio(std::span<const double> first, std::span<const double> second);

}  // namespace nslab
