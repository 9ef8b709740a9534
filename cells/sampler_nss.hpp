#pragma once
// NSS's settings as a cell names them (sampler_nss.cpp): for tools that drive
// NssSampler step by step, e.g. the outer-step benchmarks.
#include "cells/settings.hpp"
#include "samplers/nss/nss_settings.hpp"

namespace nslab {

// Throws UsageError for a bad value (chunk_size=auto must be resolved first).
// dim resolves num_inner_steps=auto (samplers/nss/inner_steps_rule.hpp).
NssSettings nss_settings_from(const Settings& settings, std::size_t dim);

}  // namespace nslab
