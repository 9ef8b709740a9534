#include "core/number_parsing.hpp"

#include <charconv>
#include <cmath>
#include <limits>

#include "core/error.hpp"

namespace nslab {
namespace {

[[noreturn]] void refuse(const std::string& what, const char* separator, const std::string& text,
                         const std::string& why) {
  throw UsageError(what + separator + text + " " + why);
}

template <class T>
T parse_whole(const std::string& text, const std::string& what, const char* separator,
              const char* kind) {
  T value{};
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (error == std::errc::result_out_of_range)
    refuse(what, separator, text,
           "is out of range (" + std::to_string(std::numeric_limits<T>::min()) + " to " +
               std::to_string(std::numeric_limits<T>::max()) + ")");
  if (error != std::errc() || stop != end) refuse(what, separator, text, std::string("is not ") + kind);
  return value;
}

}  // namespace

std::int64_t parse_integer(const std::string& text, const std::string& what, const char* separator) {
  return parse_whole<std::int64_t>(text, what, separator, "an integer");
}

std::uint64_t parse_unsigned(const std::string& text, const std::string& what, const char* separator) {
  // from_chars reads "-1" as no number at all; say what is wrong with it.
  if (!text.empty() && text[0] == '-') {
    std::int64_t negative = 0;
    const auto [stop, error] = std::from_chars(text.data(), text.data() + text.size(), negative);
    if (stop == text.data() + text.size() && (error == std::errc() || error == std::errc::result_out_of_range))
      refuse(what, separator, text, "is negative (a count or seed: 0 or more)");
  }
  return parse_whole<std::uint64_t>(text, what, separator, "a non-negative integer");
}

double parse_real(const std::string& text, const std::string& what, const char* separator) {
  double value = 0.0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (error == std::errc::result_out_of_range)
    refuse(what, separator, text, "is out of range for a double (it overflows 1.8e308 or underflows to 0)");
  if (error != std::errc() || stop != end || std::isnan(value))
    refuse(what, separator, text, "is not a number");
  return value;
}

}  // namespace nslab
