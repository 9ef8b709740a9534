#include "cells/sampler_registry.hpp"

#include "core/error.hpp"

namespace nslab {

const std::vector<SamplerKind>& sampler_kinds() {
  static const std::vector<SamplerKind> kinds = {nss_sampler_kind(), nautilus_sampler_kind()};
  return kinds;
}

bool is_sampler_kind(const std::string& name) {
  for (const auto& kind : sampler_kinds())
    if (kind.name == name) return true;
  return false;
}

const SamplerKind& sampler_kind(const std::string& name) {
  std::string known;
  for (const auto& kind : sampler_kinds()) {
    if (kind.name == name) return kind;
    known += (known.empty() ? "" : ", ") + kind.name;
  }
  throw UsageError("unknown sampler '" + name + "' (known: " + known + ")");
}

}  // namespace nslab
