#pragma once
// The likelihood families a cell can name (<dataset>/<model>), with the
// sizes/instruments each offers, its settings with defaults, and a builder.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cells/cell_id.hpp"
#include "cells/settings.hpp"
#include "likelihoods/likelihood.hpp"

namespace nslab {

struct LikelihoodFamily {
  std::string name;                          // e.g. "analytic/gaussian"
  std::vector<std::string> instruments;      // listed by `nslab list`
  std::map<std::string, std::string> defaults;  // likelihood settings it takes
  bool pixelized = false;                    // picks n_live 150 instead of 200
  // Accepts instruments beyond the listed ones (e.g. any dN); throws UsageError.
  std::function<void(const std::string& instrument)> check_instrument;
  std::function<std::unique_ptr<Likelihood>(const CellId&, const Settings&)> make;
};

const std::vector<LikelihoodFamily>& likelihood_families();
// Throws UsageError listing the families when `name` is not one.
const LikelihoodFamily& likelihood_family(const std::string& name);

// plugin/NAME families (not listed: one exists for any NAME).
LikelihoodFamily plugin_family(const std::string& name);

// Each family file defines one of these; likelihood_registry.cpp lists them.
LikelihoodFamily analytic_gaussian_family();
LikelihoodFamily analytic_mixture_family();
LikelihoodFamily synthetic_mapping_family();
LikelihoodFamily imaging_mge_family();
LikelihoodFamily imaging_pixelization_family();  // families_lens_pixelized.cpp
LikelihoodFamily imaging_delaunay_family();       // families_lens_pixelized.cpp

}  // namespace nslab
