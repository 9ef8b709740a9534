#pragma once
// The bound that defines a shell: bound 0 is the unit cube, every later one a
// NautilusBound. Shell k is bound k minus all later bounds.
#include <cstdint>
#include <optional>

#include "samplers/nautilus/nautilus_bound.hpp"

namespace nslab {

class ShellBound {
 public:
  ShellBound() = default;
  static ShellBound unit_cube(std::size_t dim, std::uint64_t seed);
  static ShellBound nautilus(NautilusBound bound, std::size_t dim);

  bool is_unit_cube() const { return !nautilus_.has_value(); }
  std::size_t dim() const { return dim_; }
  // The next `count` uniform draws from the bound (dim x count).
  PointMatrix take(std::size_t count);
  // Everything drawn so far lies in the cube, so the cube contains all.
  std::vector<char> contains(const PointMatrix& points) const;
  double log_v();

  const std::optional<NautilusBound>& nautilus_bound() const { return nautilus_; }
  std::uint64_t seed() const { return seed_; }
  std::uint32_t cube_draws() const { return cube_draws_; }
  static ShellBound from_parts(std::size_t dim, std::uint64_t seed, std::uint32_t cube_draws,
                               std::optional<NautilusBound> nautilus);

 private:
  std::size_t dim_ = 0;
  std::uint64_t seed_ = 0;
  std::uint32_t cube_draws_ = 0;  // unit-cube takes so far: the key of the next one
  std::optional<NautilusBound> nautilus_;
};

}  // namespace nslab
