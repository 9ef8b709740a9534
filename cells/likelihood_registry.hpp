#pragma once
// The likelihood families a cell can name (<dataset>/<model>), with the
// sizes/instruments each offers, its settings with defaults, and a builder
// per backend.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cells/cell_id.hpp"
#include "cells/settings.hpp"
#include "core/backend.hpp"
#include "likelihoods/likelihood.hpp"

namespace nslab {

struct LikelihoodFamily {
  std::string name;                          // e.g. "analytic/gaussian"
  std::vector<std::string> instruments;      // listed by `nslab list`
  std::map<std::string, std::string> defaults;  // likelihood settings it takes
  bool pixelized = false;                    // picks n_live 150 instead of 200
  // Accepts instruments beyond the listed ones (e.g. any dN); throws UsageError.
  std::function<void(const std::string& instrument)> check_instrument;
  using Factory = std::function<std::unique_ptr<Likelihood>(const CellId&, const Settings&)>;
  Factory make;            // backend=cpu
  Factory make_on_device;  // backend=cuda; empty: the family has no device version
};

const std::vector<LikelihoodFamily>& likelihood_families();
// Throws UsageError listing the families when `name` is not one.
const LikelihoodFamily& likelihood_family(const std::string& name);

// The cell's likelihood on the backend its settings name: the one place the
// backend is resolved (check_backend says what it refuses).
std::unique_ptr<Likelihood> make_likelihood(const CellId& cell, const Settings& settings);
// Throws UsageError for an unknown backend, backend=cuda for a family without
// a device version, or backend=cuda in a build without CUDA (one message each).
Backend check_backend(const LikelihoodFamily& family, const Settings& settings);

// plugin/NAME families (not listed: one exists for any NAME).
LikelihoodFamily plugin_family(const std::string& name);

// The dimension N of an analytic size "dN" (2 <= N <= 64); throws UsageError.
int analytic_dimension(const std::string& size);

// Each family file defines one of these; likelihood_registry.cpp lists them.
LikelihoodFamily analytic_gaussian_family();
LikelihoodFamily analytic_mixture_family();
LikelihoodFamily synthetic_mapping_family();
LikelihoodFamily imaging_mge_family();
LikelihoodFamily imaging_pixelization_family();  // families_lens_pixelized.cpp
LikelihoodFamily imaging_delaunay_family();       // families_lens_pixelized.cpp

}  // namespace nslab
