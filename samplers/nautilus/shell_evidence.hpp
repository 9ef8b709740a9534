#pragma once
// The importance-nested-sampling estimates from a run's shells (docs/nautilus.md,
// "Evidence and posterior"): log Z, N_eff, the live fraction f_live, the live
// volume, and the weighted posterior. `discard` drops exploration points.
#include <cstddef>
#include <vector>

#include "samplers/nautilus/shell.hpp"

namespace nslab {

// log Z = logsumexp_i (log L̄_i + log V_i) over non-empty shells; -inf if none.
double shells_log_z(const std::vector<Shell>& shells);

// Kish size of the whole weighted sample, from each shell's total weight and
// Kish size (nautilus's n_eff); 0 while no shell has finite weight.
double shells_n_eff(const std::vector<Shell>& shells);

struct LiveSetEstimate {
  double log_f_live = 0.0;  // share of the evidence held by the n_live highest points
  double log_v_live = 0.0;  // the volume those points stand for
};
// Each counted point of shell i stands for volume V_i / n_i.
LiveSetEstimate live_set_estimate(const std::vector<Shell>& shells, std::size_t n_live, bool discard);

struct ImportanceSample {
  std::vector<double> points;   // unit cube, row-major
  std::vector<double> log_l;
  std::vector<double> weights;  // normalised: V_i / n_i x L
};
ImportanceSample importance_sample(const std::vector<Shell>& shells, std::size_t dim, bool discard);

}  // namespace nslab
