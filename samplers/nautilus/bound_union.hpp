#pragma once
// A union of ellipsoids or cube-ellipsoid mixtures, intersected with the unit
// cube (docs/nautilus.md, "The bound"; nautilus's bounds/union.py).
//
// Starts as one member around all points; split() replaces the largest
// splittable member by two fitted to a two-way split of its points (kept only
// if their volumes sum below the parent's); trim() drops a member whose point
// density is far below the others'. Sampling picks a member in proportion to
// its volume and keeps a candidate with probability 1 / (members containing
// it), so the union is sampled uniformly; candidates are drawn in rounds of
// 1000 and the rejected fraction corrects the volume (Monte Carlo), more
// precisely the more rounds have been drawn.
#include <cstdint>
#include <vector>

#include "samplers/nautilus/bound_random.hpp"
#include "samplers/nautilus/cube_ellipsoid_mixture.hpp"
#include "samplers/nautilus/ellipsoid.hpp"

namespace nslab {

template <class Member>
class BoundUnion {
 public:
  static constexpr std::uint32_t kCandidatesPerRound = 1000;

  BoundUnion() = default;
  // Throws DegenerateBound when the points cannot be enclosed.
  static BoundUnion enclosing(const PointMatrix& points, double enlarge_per_dim,
                              std::size_t n_points_min, BoundRandom random);

  // Splits the largest member that can still be split; false when none can
  // (or, with allow_overlap false, when the split would make members overlap).
  bool split(bool allow_overlap);
  // Drops the lowest-density member if its density (points per volume) is
  // below the median of the others by more than `threshold`.
  bool trim(double threshold = 1e3);

  bool contains(const double* point) const;
  std::vector<char> contains(const PointMatrix& points) const;
  // The next `count` uniform draws from the union (dim x count).
  PointMatrix take(std::size_t count);
  // Sum of member volumes times the accepted fraction of candidates.
  double log_v();

  std::size_t dim() const { return dim_; }
  const std::vector<Member>& members() const { return members_; }
  std::size_t n_sample() const { return n_sample_; }
  std::size_t n_reject() const { return n_reject_; }

  // Everything that defines the union, for checkpoints.
  struct Parts {
    std::size_t dim = 0;
    double enlarge_per_dim = 1.1;
    std::size_t n_points_min = 0;
    BoundRandom random;
    std::vector<Member> members;
    std::vector<PointMatrix> member_points;
    std::vector<char> blocked;
    std::vector<double> pending;  // accepted candidates not yet taken, row-major
    std::size_t n_sample = 0, n_reject = 0;
    std::uint32_t rounds = 0, splits = 0;
  };
  Parts parts() const;
  static BoundUnion from_parts(Parts parts);

 private:
  void fill(std::size_t count);
  void draw_round();
  void restart_sampling();
  double log_v_members() const;

  std::size_t dim_ = 0;
  double enlarge_per_dim_ = 1.1;
  std::size_t n_points_min_ = 0;
  BoundRandom random_;
  std::vector<Member> members_;
  std::vector<PointMatrix> member_points_;
  std::vector<char> blocked_;
  std::vector<double> pending_;
  std::size_t pending_head_ = 0;  // points before this one in pending_ were taken
  std::size_t n_sample_ = 0, n_reject_ = 0;
  std::uint32_t rounds_ = 0;  // sampling rounds drawn: the key of the next round's draws
  std::uint32_t splits_ = 0;  // split attempts: the key of the next split's draws
};

extern template class BoundUnion<Ellipsoid>;
extern template class BoundUnion<CubeEllipsoidMixture>;

}  // namespace nslab
