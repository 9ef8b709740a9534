#pragma once
// The imaging instruments (docs/lens-likelihoods.md): pixel scale and mask radius (the
// grid follows from them), and the PSF the simulator uses (21 x 21 circular
// Gaussian, sigma one pixel). `ci` is this project's own: 0.25"/px, so a 29 x 29
// grid with 609 masked pixels -- small enough that a full sampler run of an
// imaging cell fits in CI -- with everything else as the real instruments.
#include <string>
#include <vector>

namespace nslab {

struct ImagingInstrument {
  std::string name;
  double pixel_scale;   // [arcsec / pixel]
  double mask_radius;   // [arcsec]
  int psf_size;         // PSF side [pixels], odd
  double psf_sigma;     // [pixels]
  int grid_size() const;  // ceil(2R / ps), +1 if even
};

const std::vector<ImagingInstrument>& imaging_instruments();
// Throws UsageError listing the instruments when `name` is not one.
const ImagingInstrument& imaging_instrument(const std::string& name);

}  // namespace nslab
