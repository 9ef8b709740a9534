// plugin/NAME: a user's likelihood from a shared library (harness.md).
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
  family.make = [](const CellId&, const Settings& settings) -> std::unique_ptr<Likelihood> {
    if (settings.text("backend") != "cpu")
      throw UsageError("plugin likelihoods run on the host: use backend=cpu");
    return PluginLikelihood::load(settings.text("plugin"));
  };
  return family;
}

}  // namespace nslab
