#pragma once
// Everything a nautilus run carries from one batch to the next, as plain
// data: bounds, shells, the transfer pool, the phase and its counters. A
// checkpoint is this struct; one batch is NautilusSampler::step(state).
#include <cstdint>
#include <limits>
#include <vector>

#include "samplers/common/batch_evaluator.hpp"
#include "samplers/nautilus/shell.hpp"
#include "samplers/nautilus/shell_bound.hpp"

namespace nslab {

// Points of earlier shells that a new bound contains: they now belong to the
// newest shell and stand in, one for one, for fresh draws that land in their
// old shell (docs/nautilus.md, "Shape of a run").
struct TransferPool {
  std::vector<double> points;        // unit cube, row-major
  std::vector<double> log_l;
  std::vector<std::int64_t> shell;   // the shell a point came from; -1 once reused
  std::size_t size() const { return log_l.size(); }
  void clear() { points.clear(), log_l.clear(), shell.clear(); }
};

struct NautilusState {
  std::vector<ShellBound> bounds;  // bound k defines shell k
  std::vector<Shell> shells;
  TransferPool transfer;
  bool explored = false;
  bool discard_exploration = false;  // applies once explored
  std::int64_t n_update_iter = 0;    // new points above the newest threshold since the last bound
  std::size_t n_like_iter = 0;       // evaluations since the last bound
  std::uint32_t batches = 0;         // batches evaluated: the key of the next batch's draws
  std::uint32_t bound_attempts = 0;  // bound builds tried: the key of the next build

  // Bookkeeping reported in the result's diagnostics.
  std::size_t bounds_rejected = 0;    // built, but not smaller than the previous bound
  std::size_t bounds_degenerate = 0;  // the live points could not be bounded
  std::size_t bounds_not_built = 0;   // no point lay below the threshold
  std::size_t exploration_evals = 0;
  std::size_t transferred_points = 0;
  std::size_t finite_log_l = 0;
  std::size_t network_epochs = 0;
  double network_sample_epochs = 0.0;  // the networks' training work, samples x epochs
  double log_f_live_explored = 0.0;   // log f_live when exploration ended
  double best_log_l = -std::numeric_limits<double>::infinity();
  std::vector<double> best_point;     // unit cube

  EvaluationCounters counters;
  double elapsed_wall_s = 0.0;        // sampler wall time before a resume
  std::size_t processes = 1;          // processes that have worked on the run (1 + resumes)

  std::size_t iteration() const { return batches; }
  bool discarding() const { return explored && discard_exploration; }
  std::size_t total_points() const {
    std::size_t total = 0;
    for (const Shell& shell : shells) total += shell.size();
    return total;
  }
};

}  // namespace nslab
