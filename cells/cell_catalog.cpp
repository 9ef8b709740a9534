#include "cells/cell_catalog.hpp"

#include "cells/likelihood_registry.hpp"
#include "cells/sampler_registry.hpp"
#include "core/error.hpp"

namespace nslab {

std::map<std::string, std::string> common_sampler_defaults() {
  return {{"seed", "42"}, {"backend", "cpu"}, {"threads", "0"}, {"max_evals", "0"},
          {"max_wall_s", "0"}};
}

std::vector<CellId> all_cells() {
  std::vector<CellId> cells;
  for (const auto& sampler : sampler_kinds()) {
    for (const auto& family : likelihood_families()) {
      const auto slash = family.name.find('/');
      for (const auto& instrument : family.instruments) {
        for (Precision precision : {Precision::kFp64, Precision::kFp32}) {
          cells.push_back({sampler.name, family.name.substr(0, slash), family.name.substr(slash + 1),
                           instrument, precision});
        }
      }
    }
  }
  return cells;
}

Settings resolve_settings(const CellId& cell, const std::map<std::string, std::string>& overrides) {
  const SamplerKind& sampler = sampler_kind(cell.sampler);
  const LikelihoodFamily& family = likelihood_family(cell.family());
  family.check_instrument(cell.instrument);
  std::map<std::string, std::string> values = common_sampler_defaults();
  for (const auto& [key, value] : sampler.defaults(cell, family)) values[key] = value;
  for (const auto& [key, value] : family.defaults) values[key] = value;
  for (const auto& [key, value] : overrides) {
    if (!values.count(key)) {
      std::string known;
      for (const auto& entry : values) known += (known.empty() ? "" : " ") + entry.first;
      throw UsageError("unknown setting '" + key + "' for " + cell.str() + " (settings: " + known +
                       ")");
    }
    values[key] = value;
  }
  Settings settings(std::move(values));
  check_backend(family, settings);  // before any work, so a refused backend costs nothing
  return settings;
}

}  // namespace nslab
