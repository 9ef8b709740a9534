#include "harness/stats/mann_whitney.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "harness/stats/sample_statistics.hpp"

namespace nslab {
namespace {

// Counts of the arrangements of n1 + n2 ranks by their U, for u = 0..n1 n2:
// the coefficients of the Gaussian binomial [n1 + n2 choose n1](q), built as
// the product over i = 1..n1 of (1 - q^(n2 + i)) / (1 - q^i).
std::vector<long double> u_counts(int n1, int n2) {
  const int top = n1 * n2;
  std::vector<long double> c(static_cast<std::size_t>(top) + 1, 0.0L);
  c[0] = 1.0L;
  for (int i = 1; i <= n1; ++i) {
    for (int k = top; k >= n2 + i; --k) c[k] -= c[k - n2 - i];  // times (1 - q^(n2+i))
    for (int k = i; k <= top; ++k) c[k] += c[k - i];            // divided by (1 - q^i)
  }
  return c;
}

struct Ranks {
  std::vector<double> rank;      // midranks, 1-based, in the order of the pooled values
  double tie_term = 0;           // sum over tie groups of t^3 - t
  bool ties = false;
};

Ranks midranks(const std::vector<double>& pooled) {
  std::vector<std::size_t> order(pooled.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return pooled[a] < pooled[b]; });
  Ranks ranks;
  ranks.rank.assign(pooled.size(), 0.0);
  for (std::size_t start = 0; start < order.size();) {
    std::size_t end = start + 1;
    while (end < order.size() && pooled[order[end]] == pooled[order[start]]) ++end;
    const double t = static_cast<double>(end - start);
    const double midrank = 0.5 * static_cast<double>(start + 1 + end);
    for (std::size_t i = start; i < end; ++i) ranks.rank[order[i]] = midrank;
    if (t > 1) {
      ranks.ties = true;
      ranks.tie_term += t * t * t - t;
    }
    start = end;
  }
  return ranks;
}

double normal_p(double u, int n1, int n2, double tie_term) {
  const double n = n1 + n2;
  const double mean = 0.5 * n1 * n2;
  const double variance = n1 * n2 / 12.0 * ((n + 1) - tie_term / (n * (n - 1)));
  if (variance <= 0) return 1.0;  // every value tied: no evidence either way
  const double u_far = std::max(u, n1 * n2 - u);
  const double z = (u_far - mean - 0.5) / std::sqrt(variance);
  return std::min(1.0, 2.0 * normal_upper_tail(z));
}

bool exact_applies(int n1, int n2, bool ties) { return !ties && (n1 <= 8 || n2 <= 8); }

}  // namespace

double mann_whitney_exact_p(double u, int n1, int n2) {
  const std::vector<long double> counts = u_counts(n1, n2);
  const long double total = std::accumulate(counts.begin(), counts.end(), 0.0L);
  const int u_far = static_cast<int>(std::lround(std::max(u, n1 * n2 - u)));
  long double tail = 0.0L;
  for (int k = u_far; k <= n1 * n2; ++k) tail += counts[k];
  return std::min(1.0, static_cast<double>(2.0L * tail / total));
}

MannWhitneyResult mann_whitney_u(std::span<const double> first, std::span<const double> second) {
  if (first.empty() || second.empty()) throw std::invalid_argument("Mann-Whitney U needs values on both sides");
  const int n1 = static_cast<int>(first.size()), n2 = static_cast<int>(second.size());
  std::vector<double> pooled(first.begin(), first.end());
  pooled.insert(pooled.end(), second.begin(), second.end());
  const Ranks ranks = midranks(pooled);
  const double rank_sum = std::accumulate(ranks.rank.begin(), ranks.rank.begin() + n1, 0.0);

  MannWhitneyResult result;
  result.u_first = rank_sum - 0.5 * n1 * (n1 + 1);
  if (exact_applies(n1, n2, ranks.ties)) {
    result.method = "exact";
    result.p_two_sided = mann_whitney_exact_p(result.u_first, n1, n2);
    result.smallest_possible_p = mann_whitney_exact_p(n1 * n2, n1, n2);
  } else {
    result.method = "normal";
    result.p_two_sided = normal_p(result.u_first, n1, n2, ranks.tie_term);
    // Complete separation with these sizes: untied, or the exact rule at these sizes.
    result.smallest_possible_p =
        exact_applies(n1, n2, false) ? mann_whitney_exact_p(n1 * n2, n1, n2) : normal_p(n1 * n2, n1, n2, 0.0);
  }
  return result;
}

double hodges_lehmann_ratio(std::span<const double> first, std::span<const double> second) {
  if (first.empty() || second.empty()) throw std::invalid_argument("a ratio needs values on both sides");
  std::vector<double> ratios;
  ratios.reserve(first.size() * second.size());
  for (double x : first)
    for (double y : second) ratios.push_back(y / x);
  return median_of(std::move(ratios));
}

}  // namespace nslab
