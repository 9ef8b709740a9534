#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "core/error.hpp"
#include "core/number_parsing.hpp"

namespace nslab {
namespace {

std::string refusal(const std::function<void()>& parse) {
  try {
    parse();
  } catch (const UsageError& error) {
    return error.what();
  }
  return "(accepted)";
}

TEST(NumberParsing, WholeTextsOfTheRightRangeOnly) {
  EXPECT_EQ(parse_unsigned("18446744073709551615", "x", "="), 18446744073709551615ull);
  EXPECT_EQ(parse_integer("-9223372036854775808", "x", "="), INT64_MIN);
  EXPECT_EQ(parse_real("1e-300", "x", "="), 1e-300);
  EXPECT_EQ(parse_real("-inf", "x", "="), -INFINITY);
  EXPECT_EQ(refusal([] { parse_unsigned("-1", "--seed", " "); }), "--seed -1 is negative (a count or seed: 0 or more)");
  EXPECT_EQ(refusal([] { parse_unsigned("18446744073709551616", "setting seed", "="); }),
            "setting seed=18446744073709551616 is out of range (0 to 18446744073709551615)");
  EXPECT_EQ(refusal([] { parse_integer("9223372036854775808", "n", "="); }),
            "n=9223372036854775808 is out of range (-9223372036854775808 to 9223372036854775807)");
  EXPECT_EQ(refusal([] { parse_real("1e999", "t", "="); }),
            "t=1e999 is out of range for a double (it overflows 1.8e308 or underflows to 0)");
  for (const char* text : {"", " 5", "5 ", "0x10", "+5", "5k", "1.5"})
    EXPECT_NE(refusal([&] { parse_unsigned(text, "n", "="); }).find("is not a non-negative integer"), std::string::npos)
        << "'" << text << "'";
  for (const char* text : {"nan", "", "1,5", "e3"})
    EXPECT_NE(refusal([&] { parse_real(text, "t", "="); }).find("is not a number"), std::string::npos) << "'" << text << "'";
}

}  // namespace
}  // namespace nslab
