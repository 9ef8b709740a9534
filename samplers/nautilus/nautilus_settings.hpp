#pragma once
// Nautilus settings (docs/nautilus.md, "Defaults"). Defaults are the nautilus-sampler package's
// (v1.0.x); the cells override n_live, n_eff and n_batch with af.Nautilus's
// values as autolens_profiling uses them.
#include <cstddef>
#include <cstdint>

namespace nslab {

struct NautilusSettings {
  std::size_t n_live = 2000;
  std::size_t n_update = 0;          // 0: n_live
  std::size_t n_like_new_bound = 0;  // 0: 10 n_live
  double enlarge_per_dim = 1.1;
  std::size_t n_points_min = 0;      // 0: dim + 50
  double split_threshold = 100.0;
  std::size_t n_networks = 4;
  std::size_t n_batch = 100;         // every likelihood call has exactly this many points
  double f_live = 0.01;              // exploration ends when the live set holds at most this
  std::size_t n_shell = 1;           // points every shell needs before N_eff-driven sampling
  double n_eff = 10000.0;
  bool discard_exploration = false;
  std::uint64_t seed = 42;
  std::size_t max_evals = 0;         // nautilus's n_like_max; 0: no budget
  double max_wall_s = 0.0;           // nautilus's timeout; 0: no budget

  // Throws UsageError naming the setting when a value cannot work.
  void validate(std::size_t dim) const;

  std::size_t resolved_n_update() const { return n_update == 0 ? n_live : n_update; }
  std::size_t resolved_n_like_new_bound() const {
    return n_like_new_bound == 0 ? 10 * n_live : n_like_new_bound;
  }
  std::size_t resolved_n_points_min(std::size_t dim) const {
    return n_points_min == 0 ? dim + 50 : n_points_min;
  }
};

}  // namespace nslab
