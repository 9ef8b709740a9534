#pragma once
// The exploration phase's two bound-keeping steps (docs/nautilus.md,
// "Shape of a run", exploration).
#include "samplers/nautilus/nautilus_settings.hpp"
#include "samplers/nautilus/nautilus_state.hpp"

namespace nslab {

// Tries to add a bound around the n_live highest points. Accepted only when
// its volume is below the previous bound's; then points of earlier shells
// inside it move to the transfer pool. Otherwise only the newest shell's
// threshold rises. A bound whose live points cannot be bounded counts as
// rejected.
void try_add_bound(NautilusState& state, const NautilusSettings& settings, std::size_t dim);

// Ends exploration: drops empty shells (their volume is near zero and they
// might never yield a point), marks where exploration ended in every shell,
// and applies discard_exploration.
void end_exploration(NautilusState& state, bool discard_exploration);

}  // namespace nslab
