#pragma once
// Poisson draws from a keyed RandomStream: draw j of stream s is a function of
// (s, first_draw) only, so a simulated image is the same on any thread count.
// Means below 10 use sequential inversion (one uniform); larger means use
// Hoermann's PTRS transformed rejection (1993), as numpy's legacy generator
// does, consuming two uniforms per try.
#include <cstdint>

#include "core/random_stream.hpp"

namespace nslab {

// A Poisson(mean) integer (mean >= 0), as a double so large means do not
// overflow; uses draws first_draw, first_draw + 1, ... of the stream.
double poisson_draw(const RandomStream& stream, double mean, std::uint32_t first_draw = 0);

}  // namespace nslab
