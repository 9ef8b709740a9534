#pragma once
// Summaries of small samples (seeds, repetitions) for compare and calibrate.
#include <span>
#include <vector>

namespace nslab {

double mean_of(std::span<const double> values);
// Sample standard deviation (n - 1 in the denominator); 0 for fewer than 2 values.
double sample_sd(std::span<const double> values);
double median_of(std::vector<double> values);
// Standard normal upper tail, P(Z > z).
double normal_upper_tail(double z);

}  // namespace nslab
