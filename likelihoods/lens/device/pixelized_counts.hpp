#pragma once
// Counted work of one evaluation of the pixelized models on the device, step
// by step (docs/gpu.md, "Roofline"): the floating-point operations the
// kernels do and the fewest device-memory bytes each step must move (every
// array a kernel reads fetched once, every array it writes stored once), so
// a measured time gives the achieved fraction of the card's arithmetic and
// bandwidth peaks. The benchmarks and the GPU tests report those fractions.
//
// flops: +, -, x, / and sqrt count one each; exp, atan and atanh are counted
// apart (`special`). Sorts move bytes only (CUB's LSD radix sort: keys and
// values read and written once per 8-bit digit). The host half (the solve,
// H, qhull) and the bus transfers are counted apart (`transfer_bytes`: what
// crosses PCIe per evaluation).
#include <cstddef>
#include <string>
#include <vector>

#include "likelihoods/lens/device/pixelized_plan.hpp"

namespace nslab {

struct OperationCount {
  std::string step;
  double flops = 0.0, special = 0.0, bytes = 0.0;
};

// What the counts need from the point itself: how many of the 4 n mapping
// slots are used (Delaunay: 3 inside the hull, 1 outside; rectangular: 4)
// and how many distinct (pixel, source pixel) pairs they make.
struct MappingStatistics {
  double used_slots = 0.0, distinct_pairs = 0.0;
  // The usual values: every slot used (three for Delaunay), no repeated index.
  static MappingStatistics typical(const PixelizedPlan& plan);
};

struct PixelizedCounts {
  std::vector<OperationCount> steps;
  double transfer_bytes = 0.0;  // host <-> device per evaluation
  double flops() const;
  double special() const;
  double bytes() const;
};

PixelizedCounts pixelized_operation_counts(const PixelizedPlan& plan, const MappingStatistics& mapping);

// Achieved fractions of a card's peaks at `ms_per_eval`: counted flops over
// time / peak_flops, counted bytes over time / peak_bytes_per_s.
struct RooflineFractions {
  double flops_fraction = 0.0, bandwidth_fraction = 0.0;
};
RooflineFractions roofline_fractions(const PixelizedCounts& counts, double ms_per_eval, double peak_flops,
                                     double peak_bytes_per_s);

}  // namespace nslab
