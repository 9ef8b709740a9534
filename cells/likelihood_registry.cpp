#include "cells/likelihood_registry.hpp"

#include "core/error.hpp"

namespace nslab {

const std::vector<LikelihoodFamily>& likelihood_families() {
  static const std::vector<LikelihoodFamily> families = {
      analytic_gaussian_family(),
      analytic_mixture_family(),
      synthetic_mapping_family(),
  };
  return families;
}

const LikelihoodFamily& likelihood_family(const std::string& name) {
  std::string known;
  for (const auto& family : likelihood_families()) {
    if (family.name == name) return family;
    known += (known.empty() ? "" : ", ") + family.name;
  }
  throw UsageError("unknown dataset/model '" + name + "' (known: " + known + ")");
}

}  // namespace nslab
