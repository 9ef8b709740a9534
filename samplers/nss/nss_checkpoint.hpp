#pragma once
// Saving and restoring an NSS run between outer steps. A checkpoint carries
// a fingerprint (build and settings) and a CRC-32 of its bytes; resuming
// from one with another fingerprint is refused, because it would silently
// mix two runs, and from one whose CRC fails, because it is corrupt.
#include <optional>
#include <string>

#include "samplers/nss/nss_sampler.hpp"

namespace nslab {

std::string serialise_nss_state(const NssState& state, const std::string& fingerprint);
// Throws UsageError for a file of another format, build or settings.
NssState deserialise_nss_state(const std::string& bytes, const std::string& fingerprint,
                               const std::string& source);

}  // namespace nslab
