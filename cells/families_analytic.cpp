// The analytic and synthetic likelihood families of the cell matrix.
#include <string>

#include "cells/likelihood_registry.hpp"
#include "core/error.hpp"
#include "likelihoods/analytic/gaussian.hpp"
#include "likelihoods/analytic/mixture.hpp"
#include "likelihoods/cuda/cuda_likelihoods.hpp"
#include "likelihoods/synthetic/mapping.hpp"

namespace nslab {
namespace {

// Analytic sizes are "dN"; any N in [2, 64] is accepted, these are listed.
const std::vector<std::string> kListedSizes = {"d2", "d5", "d10", "d16", "d32"};

int dimension_of(const std::string& size) {
  if (size.size() < 2 || size[0] != 'd')
    throw UsageError("analytic size '" + size + "' is not dN (e.g. d5)");
  try {
    std::size_t used = 0;
    const int dim = std::stoi(size.substr(1), &used);
    if (used + 1 != size.size() || dim < 2 || dim > 64) throw std::invalid_argument(size);
    return dim;
  } catch (const std::logic_error&) {
    throw UsageError("analytic size '" + size + "' is not dN with 2 <= N <= 64");
  }
}

// backend=cpu or backend=cuda; cuda in a build without it is a usage error.
bool on_device(const Settings& settings) {
  const std::string& backend = settings.text("backend");
  if (backend == "cpu") return false;
  if (backend != "cuda")
    throw UsageError("backend '" + backend + "' is unknown (use backend=cpu or backend=cuda)");
#if !defined(NSLAB_WITH_CUDA)
  throw UsageError(
      "backend=cuda: this nslab build has no CUDA (configure a CUDA preset, e.g. "
      "cmake --preset h100-fp64, or use backend=cpu)");
#endif
  return true;
}

// The device versions (likelihoods/**/*.cu) exist only in CUDA builds.
std::unique_ptr<Likelihood> make_on_device(const CellId& cell) {
#if defined(NSLAB_WITH_CUDA)
  const std::string family = cell.family();
  if (family == "analytic/gaussian")
    return make_cuda_gaussian_likelihood(dimension_of(cell.instrument), cell.precision, cell.str());
  if (family == "analytic/mixture")
    return make_cuda_mixture_likelihood(dimension_of(cell.instrument), cell.precision, cell.str());
  if (family == "synthetic/mapping")
    return make_cuda_mapping_likelihood(cell.instrument, cell.precision, cell.str());
#endif
  throw UsageError(cell.family() + " has no backend=cuda version in this build");
}

template <template <class> class Model>
std::unique_ptr<Likelihood> make_analytic(const CellId& cell, const Settings& settings) {
  const int dim = dimension_of(cell.instrument);
  if (on_device(settings)) return make_on_device(cell);
  if (cell.precision == Precision::kFp32) return std::make_unique<Model<float>>(dim);
  return std::make_unique<Model<double>>(dim);
}

}  // namespace

LikelihoodFamily analytic_gaussian_family() {
  return {"analytic/gaussian", kListedSizes, {}, false,
          [](const std::string& size) { dimension_of(size); }, make_analytic<GaussianLikelihood>};
}

LikelihoodFamily analytic_mixture_family() {
  return {"analytic/mixture", kListedSizes, {}, false,
          [](const std::string& size) { dimension_of(size); }, make_analytic<MixtureLikelihood>};
}

LikelihoodFamily synthetic_mapping_family() {
  return {"synthetic/mapping",
          {"ci", "hst"},
          {},
          true,
          [](const std::string& instrument) { MappingShape::for_instrument(instrument); },
          [](const CellId& cell, const Settings& settings) -> std::unique_ptr<Likelihood> {
            if (on_device(settings)) return make_on_device(cell);
            if (cell.precision == Precision::kFp32)
              return std::make_unique<MappingLikelihood<float>>(cell.instrument);
            return std::make_unique<MappingLikelihood<double>>(cell.instrument);
          }};
}

}  // namespace nslab
