#pragma once
// Small pieces every SVG figure of the harness shares: escaping text, tick
// labels, evenly spaced ticks, and a width estimate so labels are laid out
// to fit instead of being cut off.
#include <string>
#include <vector>

namespace nslab {

std::string svg_escape(const std::string& text);
// "%.4g" of the value: tick labels.
std::string tick_label(double value);
// Ticks at 1, 2 or 5 times a power of ten, about `count` of them, covering [low, high].
std::vector<double> linear_ticks(double low, double high, int count = 5);
// Width in pixels of `text` in a sans-serif font of `font_size` px (a
// generous average advance, so a layout based on it never clips).
double text_width(const std::string& text, double font_size = 12);

}  // namespace nslab
