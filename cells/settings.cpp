#include "cells/settings.hpp"

#include "core/error.hpp"
#include "core/number_parsing.hpp"

namespace nslab {

const std::string& Settings::text(const std::string& key) const {
  const auto found = values_.find(key);
  if (found == values_.end()) throw UsageError("setting '" + key + "' is not defined for this cell");
  return found->second;
}

std::int64_t Settings::integer(const std::string& key) const {
  return parse_integer(text(key), "setting " + key, "=");
}

std::size_t Settings::count(const std::string& key) const {
  return static_cast<std::size_t>(parse_unsigned(text(key), "setting " + key, "="));
}

std::uint64_t Settings::unsigned_integer(const std::string& key) const {
  return parse_unsigned(text(key), "setting " + key, "=");
}

double Settings::real(const std::string& key) const { return parse_real(text(key), "setting " + key, "="); }

bool Settings::boolean(const std::string& key) const {
  const std::string& value = text(key);
  if (value == "true" || value == "1" || value == "yes") return true;
  if (value == "false" || value == "0" || value == "no") return false;
  throw UsageError("setting " + key + "=" + value + " is not true or false");
}

std::pair<std::string, std::string> parse_assignment(const std::string& text) {
  const auto equals = text.find('=');
  if (equals == std::string::npos || equals == 0)
    throw UsageError("--set '" + text + "' is not key=value");
  return {text.substr(0, equals), text.substr(equals + 1)};
}

std::map<std::string, std::string> parse_assignments(const std::vector<std::string>& texts) {
  std::map<std::string, std::string> overrides;
  for (const auto& text : texts) {
    auto [key, value] = parse_assignment(text);
    const auto [slot, added] = overrides.emplace(key, value);
    if (!added)
      throw UsageError("--set " + key + " is given twice (" + slot->second + " and " + value +
                       "); give each setting once");
  }
  return overrides;
}

}  // namespace nslab
