#include "cells/likelihood_registry.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include "core/error.hpp"

namespace nslab {

const std::vector<LikelihoodFamily>& likelihood_families() {
  static const std::vector<LikelihoodFamily> families = {
      analytic_gaussian_family(),
      analytic_mixture_family(),
      synthetic_mapping_family(),
      imaging_mge_family(),
      imaging_pixelization_family(),
      imaging_delaunay_family(),
  };
  return families;
}

const LikelihoodFamily& likelihood_family(const std::string& name) {
  if (name.rfind("plugin/", 0) == 0 && name.size() > 7) {
    // NAME becomes a results folder: nothing that walks the tree or globs.
    const std::string plugin = name.substr(7);
    const bool named = std::isalnum(static_cast<unsigned char>(plugin[0])) &&
                       std::all_of(plugin.begin(), plugin.end(), [](unsigned char c) {
                         return std::isalnum(c) || c == '_' || c == '-' || c == '.';
                       });
    if (!named)
      throw UsageError("plugin name '" + plugin +
                       "' is not letters, digits, '_', '-' and '.' starting with a letter or digit "
                       "(it names a results folder)");
    // Plugin families are made on demand, one per NAME, and live as long as
    // the program (callers keep references).
    static std::map<std::string, LikelihoodFamily> plugins;
    auto found = plugins.find(name);
    if (found == plugins.end()) found = plugins.emplace(name, plugin_family(name)).first;
    return found->second;
  }
  std::string known;
  for (const auto& family : likelihood_families()) {
    if (family.name == name) return family;
    known += (known.empty() ? "" : ", ") + family.name;
  }
  throw UsageError("unknown dataset/model '" + name + "' (known: " + known + ")");
}

Backend check_backend(const LikelihoodFamily& family, const Settings& settings) {
  const Backend backend = parse_backend(settings.text("backend"));
  if (backend == Backend::kCuda) {
    if (!family.make_on_device)
      throw UsageError(family.name + " has no backend=cuda version yet (use backend=cpu)");
    if (!kBuiltWithCuda) refuse_cuda_in_this_build();
  }
  return backend;
}

std::unique_ptr<Likelihood> make_likelihood(const CellId& cell, const Settings& settings) {
  const LikelihoodFamily& family = likelihood_family(cell.family());
  if (check_backend(family, settings) == Backend::kCuda) return family.make_on_device(cell, settings);
  return family.make(cell, settings);
}

}  // namespace nslab
