#pragma once
// NSS's two evidence computations (docs/nss.md, "Evidence"): the running integrator that only
// decides when to stop, and the final anesthetic-style estimate with its
// error from sampled shrinkages, which is what the result reports.
#include <cstdint>
#include <span>
#include <vector>

#include "core/log_math.hpp"
#include "samplers/nss/particles.hpp"

namespace nslab {

struct RunningEvidence {
  double log_x = 0.0;                 // log prior volume left
  double log_z = kNegativeInfinity;   // dead evidence

  // Deaths of one outer step, in ascending log L, from n_live live points:
  // the i-th counts as a single death with n_live - i live points, its
  // volume anchored on the pre-deletion volume (mainline BlackJAX).
  void add_deaths(std::span<const double> ascending_log_l, std::size_t n_live);
  // log Z_live = logmeanexp(live log L) + log X.
  double log_z_live(std::span<const double> live_log_l) const;
};

// Live-point counts at each death, from replaying births and deaths in log L
// order. Returns the order of the points (ascending log L, ties by index) and
// n_i for each point in that order. At equal log L a death comes before a
// birth: a particle born at threshold L0 was born strictly above it.
struct DeathOrder {
  std::vector<std::size_t> order;
  std::vector<double> live_count;
};
DeathOrder live_points_at_deaths(std::span<const double> log_l, std::span<const double> log_l_birth);

struct FinalEvidence {
  double log_evidence = 0.0;        // mean over shrinkage samples
  double log_evidence_error = 0.0;  // their standard deviation
  std::vector<double> weights;      // posterior weight per point (input order), normalised
};

// Treats every point given (dead and final live) as dead; samples
// `samples` sets of shrinkages t ~ Beta(n_i, 1) on the seed's evidence stream.
FinalEvidence final_evidence(const ParticleSet& points, std::uint64_t seed, std::size_t samples);

}  // namespace nslab
