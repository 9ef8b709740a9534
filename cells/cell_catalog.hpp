#pragma once
// The cell matrix: every cell id, and a cell's full settings (defaults of the
// sampler, the likelihood family and the common keys, then overrides).
#include <map>
#include <string>
#include <vector>

#include "cells/cell_id.hpp"
#include "cells/settings.hpp"

namespace nslab {

std::vector<CellId> all_cells();

// Validates the cell (sampler, family, instrument) and the override keys;
// throws UsageError naming the unknown key and the keys the cell accepts.
Settings resolve_settings(const CellId& cell, const std::map<std::string, std::string>& overrides);

// The settings every sampler takes.
std::map<std::string, std::string> common_sampler_defaults();

}  // namespace nslab
