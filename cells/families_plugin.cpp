// plugin/NAME: a user's likelihood from a shared library (docs/extending.md).
#include "cells/likelihood_registry.hpp"
#include "core/error.hpp"
#include "likelihoods/plugin/plugin_likelihood.hpp"

namespace nslab {

LikelihoodFamily plugin_family(const std::string& name) {
  LikelihoodFamily family;
  family.name = name;
  family.instruments = {"-"};
  family.defaults = {{"plugin", ""}};
  family.check_instrument = [](const std::string& instrument) {
    if (instrument != "-")
      throw UsageError("plugin cells have '-' as their instrument, e.g. nss/plugin/NAME/-/fp64");
  };
  // Host only: no make_on_device, so backend=cuda is refused.
  family.make = [](const CellId& cell, const Settings& settings) -> std::unique_ptr<Likelihood> {
    return PluginLikelihood::load(settings.text("plugin"), cell.model);
  };
  return family;
}

}  // namespace nslab
