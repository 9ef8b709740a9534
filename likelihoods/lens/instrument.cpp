#include "likelihoods/lens/instrument.hpp"

#include "core/error.hpp"
#include "likelihoods/grid/circular_mask.hpp"

namespace nslab {

int ImagingInstrument::grid_size() const { return instrument_grid_size(pixel_scale, mask_radius); }

const std::vector<ImagingInstrument>& imaging_instruments() {
  static const std::vector<ImagingInstrument> instruments = {
      {"ci", 0.25, 3.5, 21, 1.0},
      {"euclid", 0.1, 3.5, 21, 1.0},
      {"hst", 0.05, 3.5, 21, 1.0},
      {"jwst", 0.03, 3.5, 21, 1.0},
      {"ao", 0.01, 3.5, 21, 1.0},
  };
  return instruments;
}

const ImagingInstrument& imaging_instrument(const std::string& name) {
  std::string known;
  for (const auto& instrument : imaging_instruments()) {
    if (instrument.name == name) return instrument;
    known += (known.empty() ? "" : ", ") + instrument.name;
  }
  throw UsageError("unknown imaging instrument '" + name + "' (known: " + known + ")");
}

}  // namespace nslab
