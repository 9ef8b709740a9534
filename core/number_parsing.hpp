#pragma once
// Numbers from the command line and settings, parsed strictly: the whole
// text must be a plain decimal number (no sign on an unsigned one, no hex,
// no spaces) of the target's range. A refusal is a UsageError whose message
// names the real fault: not a number, negative, or out of range (with the
// limit), e.g. "--checkpoint-every -1 is negative (it counts, so 0 or more)".
#include <cstdint>
#include <string>

namespace nslab {

// `what` names the value in the message, e.g. "setting n_live" or "--seed".
// `separator` sits between `what` and the text ("=" for settings, " " for options).
std::int64_t parse_integer(const std::string& text, const std::string& what, const char* separator);
std::uint64_t parse_unsigned(const std::string& text, const std::string& what, const char* separator);
// Any double but NaN (a text like "1e999" is out of range, not infinite;
// "inf" and "-inf" are taken as written).
double parse_real(const std::string& text, const std::string& what, const char* separator);

}  // namespace nslab
