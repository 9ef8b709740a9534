#pragma once
// Writes a CellRun as a result document (schema nslab.result/1,
// docs/results.md): the mirror of result_reader.hpp, which reads it back.
#include "harness/json.hpp"
#include "harness/run_cell.hpp"

namespace nslab {

Json result_document(const CellRun& run);

}  // namespace nslab
