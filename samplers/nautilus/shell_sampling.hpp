#pragma once
// Drawing one batch for a shell (nautilus's sample_shell): exactly n_batch
// fresh points uniform in shell k (bound k minus every later bound), plus,
// for the newest shell during exploration, transfer points reused in place
// of fresh draws that fell in their old shell.
#include <cstdint>
#include <vector>

#include "samplers/nautilus/nautilus_state.hpp"

namespace nslab {

struct ShellDraw {
  std::vector<double> fresh;               // n_batch points, row-major, to evaluate
  std::size_t n_drawn = 0;                 // draws from the bound, kept or not
  std::vector<std::size_t> transferred;    // transfer-pool indices that join the shell
};

ShellDraw draw_for_shell(NautilusState& state, std::size_t shell, std::size_t n_batch,
                         bool use_transfer, std::uint64_t seed);

// For each column, the highest bound index below n_bounds that contains it
// (-1 when none does): the shell it would belong to among those bounds.
std::vector<std::int64_t> shell_association(const std::vector<ShellBound>& bounds,
                                            const PointMatrix& points, std::size_t n_bounds);

}  // namespace nslab
