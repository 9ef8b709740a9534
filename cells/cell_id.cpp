#include "cells/cell_id.hpp"

#include <sstream>
#include <vector>

#include "core/error.hpp"

namespace nslab {

CellId CellId::parse(const std::string& text) {
  std::vector<std::string> parts;
  std::stringstream stream(text);
  for (std::string part; std::getline(stream, part, '/');) parts.push_back(part);
  if (parts.size() != 5 || text.back() == '/')
    throw UsageError("cell '" + text +
                     "' is not <sampler>/<dataset>/<model>/<instrument>/<precision>, e.g. "
                     "nss/analytic/gaussian/d5/fp64 (see `nslab list`)");
  for (const auto& part : parts)
    if (part.empty()) throw UsageError("cell '" + text + "' has an empty part");
  CellId id{parts[0], parts[1], parts[2], parts[3], parse_precision(parts[4])};
  return id;
}

std::string CellId::str() const { return path_without_precision() + "/" + to_string(precision); }

std::string CellId::path_without_precision() const {
  return sampler + "/" + dataset + "/" + model + "/" + instrument;
}

}  // namespace nslab
