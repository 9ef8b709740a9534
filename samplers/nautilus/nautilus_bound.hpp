#pragma once
// One nested bound of a nautilus run (docs/nautilus.md, "The bound"): the union of
// neural bounds over the live points' clusters (inner), inside a union of
// cube-ellipsoid mixtures intersected with the unit cube (outer). Candidates
// come from the outer union and are kept when some neural bound contains
// them; the kept fraction corrects the outer volume, so log_v sharpens every
// time more candidates are drawn.
#include <cstdint>
#include <vector>

#include "samplers/nautilus/bound_union.hpp"
#include "samplers/nautilus/neural_bound.hpp"

namespace nslab {

struct BoundSettings {
  double enlarge_per_dim = 1.1;
  std::size_t n_points_min = 0;
  double split_threshold = 100.0;
  std::size_t n_networks = 4;
};

class NautilusBound {
 public:
  NautilusBound() = default;
  // points/log_l: every point of the run so far; the live ones are those with
  // log L >= log_l_min. log_v_target: the volume the live points are estimated
  // to fill, which decides how far the outer union is split. Throws
  // DegenerateBound when the live points cannot be bounded.
  static NautilusBound compute(const PointMatrix& points, const std::vector<double>& log_l,
                               double log_l_min, double log_v_target, const BoundSettings& settings,
                               std::uint64_t seed, std::uint32_t bound_id);

  std::vector<char> contains(const PointMatrix& points) const;
  // Draws until at least `count` accepted points are waiting.
  void fill(std::size_t count);
  PointMatrix take(std::size_t count);
  double log_v();

  std::size_t n_ellipsoids() const;  // outer members with an ellipsoid part
  std::size_t n_neural_bounds() const { return neural_.size(); }
  std::size_t n_networks() const;
  int network_epochs() const;        // summed over all networks
  double network_sample_epochs() const;  // training samples x epochs, summed over all networks

  struct Parts {
    std::vector<NeuralBound> neural;
    BoundUnion<CubeEllipsoidMixture>::Parts outer;
    std::vector<double> pending;
    std::size_t n_sample = 0, n_reject = 0;
  };
  Parts parts() const;
  static NautilusBound from_parts(Parts parts);

 private:
  std::vector<NeuralBound> neural_;
  BoundUnion<CubeEllipsoidMixture> outer_;
  std::vector<double> pending_;  // accepted points not yet taken, row-major
  std::size_t pending_head_ = 0;
  std::size_t n_sample_ = 0, n_reject_ = 0;
};

}  // namespace nslab
