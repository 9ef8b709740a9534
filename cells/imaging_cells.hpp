#pragma once
// What the imaging families share: their instruments and the dataset a cell
// fits (`dataset=simulated`, the project's own, or a PyAutoLens FITS folder).
#include <memory>
#include <string>
#include <vector>

#include "cells/cell_id.hpp"
#include "cells/settings.hpp"
#include "likelihoods/lens/masked_imaging.hpp"

namespace nslab {

std::vector<std::string> imaging_instrument_names();

// The cell's dataset, masked as every imaging cell is. A folder whose
// PIXSCALE disagrees with the instrument is refused (UsageError).
std::shared_ptr<const MaskedImaging> imaging_for(const CellId& cell, const Settings& settings);

}  // namespace nslab
