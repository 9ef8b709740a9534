#include "harness/plots/svg_text.hpp"

#include <cmath>
#include <cstdio>

namespace nslab {

std::string svg_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else if (c == '"') out += "&quot;";
    else out += c;
  }
  return out;
}

std::string tick_label(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4g", std::abs(value) < 1e-12 ? 0.0 : value);
  return buffer;
}

std::vector<double> linear_ticks(double low, double high, int count) {
  std::vector<double> ticks;
  const double span = high - low;
  if (!(span > 0) || !std::isfinite(span)) return {low};
  const double raw = span / count;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = 10 * magnitude;
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (raw <= m * magnitude) {
      step = m * magnitude;
      break;
    }
  for (double v = std::ceil(low / step) * step; v <= high + 1e-9 * span; v += step) ticks.push_back(v);
  return ticks;
}

double text_width(const std::string& text, double font_size) {
  // UTF-8 continuation bytes add no width; 0.62 em covers digits and most
  // lower-case letters of common sans-serif fonts, capitals a little over.
  double characters = 0;
  for (unsigned char c : text)
    if ((c & 0xC0) != 0x80) characters += (c >= 'A' && c <= 'Z') ? 0.72 : 0.6;
  return characters * font_size;
}

}  // namespace nslab
