// The analytic and synthetic likelihood families of the cell matrix.
#include <string>

#include "cells/likelihood_registry.hpp"
#include "core/error.hpp"
#include "likelihoods/analytic/gaussian.hpp"
#include "likelihoods/analytic/gaussian_cuda.hpp"
#include "likelihoods/analytic/mixture.hpp"
#include "likelihoods/analytic/mixture_cuda.hpp"
#include "likelihoods/synthetic/mapping.hpp"
#include "likelihoods/synthetic/mapping_cuda.hpp"

namespace nslab {
namespace {

// Analytic sizes are "dN"; any N in [2, 64] is accepted, these are listed.
const std::vector<std::string> kListedSizes = {"d2", "d5", "d10", "d16", "d32"};

}  // namespace

int analytic_dimension(const std::string& size) {
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

namespace {

template <template <class> class Model>
std::unique_ptr<Likelihood> make_analytic(const CellId& cell, const Settings&) {
  const int dim = analytic_dimension(cell.instrument);
  if (cell.precision == Precision::kFp32) return std::make_unique<Model<float>>(dim);
  return std::make_unique<Model<double>>(dim);
}

}  // namespace

LikelihoodFamily analytic_gaussian_family() {
  return {"analytic/gaussian", kListedSizes, {}, false,
          [](const std::string& size) { analytic_dimension(size); }, make_analytic<GaussianLikelihood>,
          [](const CellId& cell, const Settings&) {
            return make_cuda_gaussian_likelihood(analytic_dimension(cell.instrument), cell.precision, cell.str());
          }};
}

LikelihoodFamily analytic_mixture_family() {
  return {"analytic/mixture", kListedSizes, {}, false,
          [](const std::string& size) { analytic_dimension(size); }, make_analytic<MixtureLikelihood>,
          [](const CellId& cell, const Settings&) {
            return make_cuda_mixture_likelihood(analytic_dimension(cell.instrument), cell.precision, cell.str());
          }};
}

LikelihoodFamily synthetic_mapping_family() {
  return {"synthetic/mapping",
          {"ci", "hst"},
          {},
          true,
          [](const std::string& instrument) { MappingShape::for_instrument(instrument); },
          [](const CellId& cell, const Settings&) -> std::unique_ptr<Likelihood> {
            if (cell.precision == Precision::kFp32)
              return std::make_unique<MappingLikelihood<float>>(cell.instrument);
            return std::make_unique<MappingLikelihood<double>>(cell.instrument);
          },
          [](const CellId& cell, const Settings&) {
            return make_cuda_mapping_likelihood(cell.instrument, cell.precision, cell.str());
          }};
}

}  // namespace nslab
