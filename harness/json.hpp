#pragma once
// The JSON type of the harness's output: key order as written, so result
// files and --json output read in a fixed order.
#include <nlohmann/json.hpp>

namespace nslab {

using Json = nlohmann::ordered_json;

}  // namespace nslab
