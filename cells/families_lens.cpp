// The strong-lens imaging families (lensing.md). This file has imaging/mge;
// the pixelized models join it beside their own likelihoods.
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
#include <cmath>
#include <string>

#include "cells/imaging_cells.hpp"
#include "cells/likelihood_registry.hpp"
#include "core/error.hpp"
#include "likelihoods/lens/fits_image.hpp"
#include "likelihoods/lens/instrument.hpp"
#include "likelihoods/lens/masked_imaging.hpp"
#include "likelihoods/lens/mge_likelihood.hpp"
#include "likelihoods/lens/mge_likelihood_cuda.hpp"
#include "likelihoods/lens/simulator.hpp"

namespace nslab {
namespace {

const std::map<std::string, std::string> kImagingDefaults = {{"dataset", "simulated"},
                                                             {"inversion", "dense"}};

// has_cuda_version: the family also accepts backend=cuda (imaging/mge).
void check_common_settings(const CellId& cell, const Settings& settings,
                           bool has_cuda_version = false) {
  if (settings.has("backend") && settings.text("backend") != "cpu" &&
      !(has_cuda_version && settings.text("backend") == "cuda"))
    throw UsageError(cell.family() + " has no backend=" + settings.text("backend") +
                     " version yet (use backend=cpu)");
  const std::string& inversion = settings.text("inversion");
  if (inversion != "dense" && inversion != "sparse")
    throw UsageError("setting inversion='" + inversion + "' is not dense or sparse");
}

}  // namespace

LikelihoodFamily imaging_mge_family() {
  return {"imaging/mge",
          imaging_instrument_names(),
          kImagingDefaults,
          false,
          [](const std::string& instrument) { imaging_instrument(instrument); },
          [](const CellId& cell, const Settings& settings) -> std::unique_ptr<Likelihood> {
            check_common_settings(cell, settings, true);
            const bool on_device = settings.has("backend") && settings.text("backend") == "cuda";
#if !defined(NSLAB_WITH_CUDA)
            if (on_device)
              throw UsageError(
                  "backend=cuda: this nslab build has no CUDA (configure a CUDA preset, e.g. "
                  "cmake --preset h100-fp64, or use backend=cpu)");
#endif
            auto imaging = imaging_for(cell, settings);
#if defined(NSLAB_WITH_CUDA)
            // The device version (likelihoods/lens/mge_likelihood.cu).
            if (on_device) return make_cuda_mge_likelihood(std::move(imaging), cell.precision, cell.str());
#endif
            if (cell.precision == Precision::kFp32)
              return std::make_unique<MgeLikelihood<float>>(std::move(imaging));
            return std::make_unique<MgeLikelihood<double>>(std::move(imaging));
          }};
}

}  // namespace nslab
