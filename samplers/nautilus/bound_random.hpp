#pragma once
// The keyed random streams of one bound build (RandomPurpose::kNautilusBound).
//
// Every draw a bound makes is addressed by (seed, bound build, part of the
// build, what the draw is for, a counter such as the sampling round or the
// split number, a small index such as the k-means start), never by how many
// draws happened before it. So a run is a function of its seed alone, and a
// bound restored from a checkpoint continues exactly where it stopped.
#include <cstdint>

#include "core/random_stream.hpp"

namespace nslab {

// What a bound draw is for: the high byte of the stream's third word.
enum class BoundDraw : std::uint32_t {
  kMember = 1,      // which union member a candidate comes from
  kDirection = 2,   // normal deviates for a direction in an ellipsoid
  kRadius = 3,      // radius within the unit ball
  kCube = 4,        // coordinates along unit-cube dimensions
  kOverlap = 5,     // keeping a candidate with probability 1 / (members containing it)
  kSplitSeed = 6,   // k-means++ seeding of a two-way split
};

// Which part of a bound build draws (bits 16-23 of the third word).
enum class BoundPart : std::uint32_t {
  kUnitCube = 0,
  kInnerUnion = 1,  // the non-overlapping ellipsoids that cluster the live points
  kOuterUnion = 2,  // the cube-ellipsoid mixtures candidates are drawn from
};

struct BoundRandom {
  std::uint64_t seed = 0;
  std::uint32_t bound_id = 0;  // 0: the unit cube; k: the k-th attempt to add a bound
  BoundPart part = BoundPart::kUnitCube;

  RandomStream stream(BoundDraw what, std::uint32_t counter, std::uint32_t index = 0) const {
    return RandomStream(seed, RandomPurpose::kNautilusBound, bound_id, counter,
                        (static_cast<std::uint32_t>(what) << 24) |
                            (static_cast<std::uint32_t>(part) << 16) | (index & 0xFFFFu));
  }
  BoundRandom with_part(BoundPart other) const { return {seed, bound_id, other}; }
};

}  // namespace nslab
