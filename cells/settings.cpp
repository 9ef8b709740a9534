#include "cells/settings.hpp"

#include <charconv>
#include <cmath>

#include "core/error.hpp"

namespace nslab {
namespace {
[[noreturn]] void bad_value(const std::string& key, const std::string& value, const char* what) {
  throw UsageError("setting " + key + "=" + value + " is not " + what);
}
}  // namespace

const std::string& Settings::text(const std::string& key) const {
  const auto found = values_.find(key);
  if (found == values_.end()) throw UsageError("setting '" + key + "' is not defined for this cell");
  return found->second;
}

std::int64_t Settings::integer(const std::string& key) const {
  const std::string& value = text(key);
  std::int64_t result = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), result);
  if (error != std::errc() || end != value.data() + value.size()) bad_value(key, value, "an integer");
  return result;
}

std::size_t Settings::count(const std::string& key) const {
  const std::int64_t value = integer(key);
  if (value < 0) bad_value(key, text(key), "a non-negative integer");
  return static_cast<std::size_t>(value);
}

std::uint64_t Settings::unsigned_integer(const std::string& key) const {
  const std::string& value = text(key);
  std::uint64_t result = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), result);
  if (error != std::errc() || end != value.data() + value.size())
    bad_value(key, value, "a non-negative integer");
  return result;
}

double Settings::real(const std::string& key) const {
  const std::string& value = text(key);
  try {
    std::size_t used = 0;
    const double result = std::stod(value, &used);
    if (used != value.size() || std::isnan(result)) bad_value(key, value, "a number");
    return result;
  } catch (const std::logic_error&) {
    bad_value(key, value, "a number");
  }
}

bool Settings::boolean(const std::string& key) const {
  const std::string& value = text(key);
  if (value == "true" || value == "1" || value == "yes") return true;
  if (value == "false" || value == "0" || value == "no") return false;
  bad_value(key, value, "true or false");
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
    overrides[key] = value;
  }
  return overrides;
}

}  // namespace nslab
