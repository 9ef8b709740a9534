// The pixelized-source imaging families (docs/lens-likelihoods.md): imaging/pixelization
// (RectangularAdaptImage + Constant) and imaging/delaunay (Hilbert image mesh
// + Delaunay + ConstantSplit), both with the MGE lens light, isothermal mass
// and shear of imaging/mge and a LogUniform(1e-6, 1e6) regularization
// coefficient.
//
// Settings:
//   dataset    "simulated" (default) or a folder of PyAutoLens FITS files, as
//              for imaging/mge.
//   inversion  sparse (default: the w-tilde path autolens_profiling's NSS
//              cells ran) or dense (M and B = P M formed: its Nautilus cells).
//   mesh       the source mesh size: rectangular side (pixelization) or
//              Delaunay vertex count (delaunay). "auto" (default) is the
//              autolens_profiling fiducial -- 39 (1,521 pixels) and 1,500 --
//              on the real instruments, and 12 (144) / 150 on ci, where a full
//              sampler run must fit in CI.
// The adapt image (rectangular weights, Hilbert vertex density) is the truth
// source's lensed, PSF-blurred image on the masked grid.
#include <cmath>
#include <functional>
#include <string>

#include "cells/imaging_cells.hpp"
#include "cells/likelihood_registry.hpp"
#include "core/error.hpp"
#include "likelihoods/lens/fits_image.hpp"
#include "likelihoods/lens/instrument.hpp"
#include "likelihoods/lens/masked_imaging.hpp"
#include "likelihoods/lens/pixelization/adapt_image.hpp"
#include "likelihoods/lens/pixelization/pixelized_likelihood.hpp"
#include "likelihoods/lens/pixelization/pixelized_likelihood_cuda.hpp"
#include "likelihoods/lens/simulator.hpp"

namespace nslab {
namespace {

const std::map<std::string, std::string> kPixelizedDefaults = {
    {"dataset", "simulated"}, {"inversion", "sparse"}, {"mesh", "auto"}};

int mesh_size(const CellId& cell, const Settings& settings, int ci_size, int fiducial,
              int minimum, int maximum) {
  if (settings.text("mesh") == "auto") return cell.instrument == "ci" ? ci_size : fiducial;
  const std::int64_t size = settings.integer("mesh");
  if (size < minimum || size > maximum)
    throw UsageError("setting mesh=" + settings.text("mesh") + " is out of range for " +
                     cell.family() + " (" + std::to_string(minimum) + " to " +
                     std::to_string(maximum) + ", or auto)");
  return static_cast<int>(size);
}

// What makes a family's source mesh once the dataset is read; choosing it
// checks the mesh setting first, before any data are read.
using SourceFactory = std::function<std::shared_ptr<const PixelizedSource>(const MaskedImaging&)>;

SourceFactory rectangular_source(const CellId& cell, const Settings& settings) {
  const int side = mesh_size(cell, settings, 12, 39, 3, 200);
  return [side](const MaskedImaging& imaging) {
    return std::make_shared<RectangularSource>(side, truth_source_adapt_image(imaging));
  };
}

SourceFactory delaunay_source(const CellId& cell, const Settings& settings) {
  const int vertices = mesh_size(cell, settings, 150, 1500, 3, 20000);
  return [vertices](const MaskedImaging& imaging) {
    return std::make_shared<DelaunaySource>(
        hilbert_image_mesh(imaging.mask, truth_source_adapt_image(imaging), vertices));
  };
}

// What either backend's likelihood is made of, read and checked in this order.
struct PixelizedInputs {
  InversionFormulation formulation;
  std::shared_ptr<const MaskedImaging> imaging;
  std::shared_ptr<const PixelizedSource> source;
};

template <SourceFactory (*choose_source)(const CellId&, const Settings&)>
PixelizedInputs pixelized_inputs(const CellId& cell, const Settings& settings) {
  const SourceFactory make_source = choose_source(cell, settings);
  const InversionFormulation formulation = inversion_formulation_from(settings.text("inversion"));
  auto imaging = imaging_for(cell, settings);
  std::shared_ptr<const PixelizedSource> source = make_source(*imaging);
  return {formulation, std::move(imaging), std::move(source)};
}

template <SourceFactory (*choose_source)(const CellId&, const Settings&)>
std::unique_ptr<Likelihood> make_pixelized_on_host(const CellId& cell, const Settings& settings) {
  PixelizedInputs in = pixelized_inputs<choose_source>(cell, settings);
  if (cell.precision == Precision::kFp32)
    return std::make_unique<PixelizedLikelihood<float>>(std::move(in.imaging), std::move(in.source), in.formulation);
  return std::make_unique<PixelizedLikelihood<double>>(std::move(in.imaging), std::move(in.source), in.formulation);
}

// The same cell on the device (pixelized_likelihood.cu).
template <SourceFactory (*choose_source)(const CellId&, const Settings&)>
std::unique_ptr<Likelihood> make_pixelized_on_device(const CellId& cell, const Settings& settings) {
  PixelizedInputs in = pixelized_inputs<choose_source>(cell, settings);
  return make_cuda_pixelized_likelihood(std::move(in.imaging), std::move(in.source), in.formulation, cell.precision,
                                        cell.str());
}

LikelihoodFamily pixelized_family(const std::string& name, LikelihoodFamily::Factory on_host,
                                  LikelihoodFamily::Factory on_device) {
  return {name,
          imaging_instrument_names(),
          kPixelizedDefaults,
          true,
          [](const std::string& instrument) { imaging_instrument(instrument); },
          std::move(on_host),
          std::move(on_device)};
}

}  // namespace

LikelihoodFamily imaging_pixelization_family() {
  return pixelized_family("imaging/pixelization", make_pixelized_on_host<rectangular_source>,
                          make_pixelized_on_device<rectangular_source>);
}

LikelihoodFamily imaging_delaunay_family() {
  return pixelized_family("imaging/delaunay", make_pixelized_on_host<delaunay_source>,
                          make_pixelized_on_device<delaunay_source>);
}

}  // namespace nslab
