#pragma once
// A cell id: <sampler>/<dataset>/<model>/<instrument>/<precision> (docs/command-line.md, "Cells").
#include <string>

#include "core/precision.hpp"

namespace nslab {

struct CellId {
  std::string sampler, dataset, model, instrument;
  Precision precision = Precision::kFp64;

  // Throws UsageError with the expected shape on a malformed id.
  static CellId parse(const std::string& text);
  std::string str() const;
  // "<dataset>/<model>", the likelihood family.
  std::string family() const { return dataset + "/" + model; }
  // The id without the precision: the folder of its result files.
  std::string path_without_precision() const;
};

}  // namespace nslab
