// imaging/mge: the strong-lens imaging family with an MGE source
// (docs/lens-likelihoods.md); the pixelized-source families are in
// families_lens_pixelized.cpp, and what all imaging families share in
// imaging_cells.cpp.
//
// Settings:
//   dataset    "simulated" (default): the project's own simulated dataset of
//              the cell's instrument (seed 1), cached on disk and regenerated
//              when absent (likelihoods/lens/simulator.hpp); or a folder of
//              PyAutoLens FITS files (data, noise_map, psf) at the
//              instrument's pixel scale.
//   inversion  dense|sparse. imaging/mge accepts both and always runs dense:
//              its 40 columns are cheap to blur, and w-tilde pays off only
//              for pixelized sources with thousands of columns.
#include <string>

#include "cells/imaging_cells.hpp"
#include "cells/likelihood_registry.hpp"
#include "likelihoods/lens/instrument.hpp"
#include "likelihoods/lens/mge_likelihood.hpp"
#include "likelihoods/lens/mge_likelihood_cuda.hpp"
#include "likelihoods/lens/pixelization/pixelized_likelihood.hpp"

namespace nslab {

LikelihoodFamily imaging_mge_family() {
  return {"imaging/mge",
          imaging_instrument_names(),
          {{"dataset", "simulated"}, {"inversion", "dense"}},
          false,
          [](const std::string& instrument) { imaging_instrument(instrument); },
          [](const CellId& cell, const Settings& settings) -> std::unique_ptr<Likelihood> {
            inversion_formulation_from(settings.text("inversion"));  // refuses a bad value
            auto imaging = imaging_for(cell, settings);
            if (cell.precision == Precision::kFp32)
              return std::make_unique<MgeLikelihood<float>>(std::move(imaging));
            return std::make_unique<MgeLikelihood<double>>(std::move(imaging));
          },
          [](const CellId& cell, const Settings& settings) {
            inversion_formulation_from(settings.text("inversion"));
            return make_cuda_mge_likelihood(imaging_for(cell, settings), cell.precision, cell.str());
          }};
}

}  // namespace nslab
