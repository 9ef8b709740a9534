#pragma once
// Checks for command-line options that CLI11 would otherwise read loosely.
#include <string>

#include <CLI/CLI.hpp>

#include "core/error.hpp"
#include "core/number_parsing.hpp"

namespace nslab {

// For unsigned options (counts, seeds): CLI11 2.1 reads "-1" as 2^64-1 and
// clamps an overflowing number to the maximum; this refuses both, naming
// the fault, before CLI11 converts the text.
inline CLI::Validator non_negative_integer() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        try {
          parse_unsigned(text, "", "");
          return {};
        } catch (const UsageError& error) {
          return error.what();
        }
      },
      "INT>=0");
}

}  // namespace nslab
