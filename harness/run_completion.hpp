#pragma once
// Which runs finished: a run stopped by a budget (max_evals, max_wall_s) is a
// smoke test or a cut-off, not a result. Compare, calibrate, tables and plots
// keep such runs out unless asked, and mark them when shown.
#include <string>

#include "harness/result_reader.hpp"

namespace nslab {

inline bool stopped_by_budget(const std::string& stopped_by) {
  return stopped_by == "max_evals" || stopped_by == "max_wall_s";
}
inline bool finished(const ResultRow& row) { return !stopped_by_budget(row.stopped_by); }

}  // namespace nslab
