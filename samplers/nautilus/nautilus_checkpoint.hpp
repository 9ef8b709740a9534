#pragma once
// Saving and restoring a nautilus run between batches.
//
// The checkpoint is the whole NautilusState in binary (samplers/common/
// binary_archive.hpp): every shell's points and log L, the transfer pool, and
// every bound as built (ellipsoid factors, network weights, union members and
// their points, the candidates drawn but not yet used, the draw counters that
// key the next random draws). Nothing is recomputed on load, so a resumed run
// continues bit for bit. Layout: magic "nslab.nautilus.checkpoint/4", the
// fingerprint (build and settings), the state's fields in a fixed order, and
// a CRC-32 of all of it. A checkpoint with another fingerprint or a wrong
// CRC is refused.
#include <string>

#include "samplers/nautilus/nautilus_state.hpp"

namespace nslab {

std::string serialise_nautilus_state(const NautilusState& state, const std::string& fingerprint);
// Throws UsageError for a file of another format, build or settings, or a
// truncated one.
NautilusState deserialise_nautilus_state(const std::string& bytes, const std::string& fingerprint,
                                         const std::string& source);

}  // namespace nslab
