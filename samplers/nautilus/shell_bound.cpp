#include "samplers/nautilus/shell_bound.hpp"

#include "samplers/nautilus/bound_random.hpp"

namespace nslab {

ShellBound ShellBound::unit_cube(std::size_t dim, std::uint64_t seed) {
  return from_parts(dim, seed, 0, std::nullopt);
}

ShellBound ShellBound::nautilus(NautilusBound bound, std::size_t dim) {
  return from_parts(dim, 0, 0, std::move(bound));
}

ShellBound ShellBound::from_parts(std::size_t dim, std::uint64_t seed, std::uint32_t cube_draws,
                                  std::optional<NautilusBound> nautilus) {
  ShellBound bound;
  bound.dim_ = dim;
  bound.seed_ = seed;
  bound.cube_draws_ = cube_draws;
  bound.nautilus_ = std::move(nautilus);
  return bound;
}

PointMatrix ShellBound::take(std::size_t count) {
  if (nautilus_) return nautilus_->take(count);
  const RandomStream stream =
      BoundRandom{seed_, 0, BoundPart::kUnitCube}.stream(BoundDraw::kCube, cube_draws_++);
  PointMatrix points(static_cast<Eigen::Index>(dim_), static_cast<Eigen::Index>(count));
  for (std::size_t i = 0; i < count; ++i)
    for (std::size_t k = 0; k < dim_; ++k)
      points(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(i)) =
          stream.uniform(static_cast<std::uint32_t>(i * dim_ + k));
  return points;
}

std::vector<char> ShellBound::contains(const PointMatrix& points) const {
  if (nautilus_) return nautilus_->contains(points);
  return std::vector<char>(static_cast<std::size_t>(points.cols()), 1);
}

double ShellBound::log_v() { return nautilus_ ? nautilus_->log_v() : 0.0; }

}  // namespace nslab
