#pragma once
// NSS settings (docs/nss.md, "Defaults"); defaults are af.NSS's as used by autolens_profiling.
#include <cstddef>
#include <cstdint>

namespace nslab {

struct NssSettings {
  std::size_t n_live = 200;
  std::size_t num_delete = 50;
  std::size_t num_inner_steps = 5;
  std::size_t chunk_size = 0;   // 0: unset, everything in flight at once
  double termination = -3.0;    // stop when log Z_live - log Z < termination
  int max_steps = 10;           // stepping-out budget m
  int max_shrinkage = 100;
  std::uint64_t seed = 42;
  std::size_t max_evals = 0;    // 0: no budget
  double max_wall_s = 0.0;      // 0: no budget
  std::size_t evidence_samples = 100;  // S shrinkage draws in the final log Z

  // Throws UsageError naming the setting when a value cannot work.
  void validate(std::size_t dim) const;
  // How many evaluations may be in flight: chunk_size, or `fan_out` if unset.
  std::size_t in_flight(std::size_t fan_out) const {
    return chunk_size == 0 || chunk_size > fan_out ? fan_out : chunk_size;
  }
};

}  // namespace nslab
