#include "samplers/nautilus/nautilus_bound.hpp"

#include <cmath>
#include <string>

namespace nslab {
namespace {
constexpr std::size_t kCandidatesPerRound = 1000;
constexpr int kMaxEmptyRounds = 1000;  // 10^6 candidates without one inside: give up
}  // namespace

NautilusBound NautilusBound::compute(const PointMatrix& points, const std::vector<double>& log_l,
                                     double log_l_min, double log_v_target,
                                     const BoundSettings& settings, std::uint64_t seed,
                                     std::uint32_t bound_id) {
  std::vector<char> live(log_l.size());
  for (std::size_t i = 0; i < log_l.size(); ++i) live[i] = log_l[i] >= log_l_min;
  const PointMatrix live_points = select_columns(points, live);
  const BoundRandom random{seed, bound_id, BoundPart::kUnitCube};

  NautilusBound bound;
  // Inner: cluster the live points into non-overlapping ellipsoids, one
  // neural bound per cluster.
  auto clusters = BoundUnion<Ellipsoid>::enclosing(live_points, settings.enlarge_per_dim,
                                                  settings.n_points_min,
                                                  random.with_part(BoundPart::kInnerUnion));
  while (clusters.split(/*allow_overlap=*/false)) {
  }
  for (std::size_t k = 0; k < clusters.members().size(); ++k) {
    const std::vector<char> inside = clusters.members()[k].contains(points);
    std::vector<double> inside_log_l;
    for (std::size_t i = 0; i < log_l.size(); ++i)
      if (inside[i]) inside_log_l.push_back(log_l[i]);
    bound.neural_.push_back(NeuralBound::compute(
        select_columns(points, inside), inside_log_l, log_l_min, settings.enlarge_per_dim,
        settings.n_networks, seed, bound_id,
        static_cast<std::uint32_t>(k * settings.n_networks)));
  }

  // Outer: split while the union is much larger than the live volume (a
  // single ellipsoid around several modes), then drop sparse members.
  bound.outer_ = BoundUnion<CubeEllipsoidMixture>::enclosing(
      live_points, settings.enlarge_per_dim, settings.n_points_min,
      random.with_part(BoundPart::kOuterUnion));
  const double log_excess_allowed =
      std::log(settings.split_threshold) +
      static_cast<double>(points.rows()) * std::log(settings.enlarge_per_dim);
  while (bound.outer_.log_v() - log_v_target > log_excess_allowed)
    if (!bound.outer_.split(/*allow_overlap=*/true)) break;
  while (bound.outer_.log_v() - log_v_target > log_excess_allowed)
    if (!bound.outer_.trim()) break;
  return bound;
}

std::vector<char> NautilusBound::contains(const PointMatrix& points) const {
  std::vector<char> in_outer = outer_.contains(points);
  std::vector<char> inside(in_outer.size(), 0);
  // Points outside the outer union are marked as already decided so the
  // neural bounds skip them, then cleared.
  std::vector<char> decided(in_outer.size());
  for (std::size_t i = 0; i < in_outer.size(); ++i) decided[i] = !in_outer[i];
  for (const NeuralBound& neural : neural_) neural.add_contained(points, decided);
  for (std::size_t i = 0; i < in_outer.size(); ++i) inside[i] = in_outer[i] && decided[i];
  return inside;
}

void NautilusBound::fill(std::size_t count) {
  const std::size_t dim = outer_.dim();
  int empty_rounds = 0;
  while (pending_.size() / dim - pending_head_ < count) {
    const PointMatrix candidates = outer_.take(kCandidatesPerRound);
    std::vector<char> inside(kCandidatesPerRound, 0);
    for (const NeuralBound& neural : neural_) neural.add_contained(candidates, inside);
    std::size_t kept = 0;
    for (Eigen::Index i = 0; i < candidates.cols(); ++i)
      if (inside[static_cast<std::size_t>(i)]) {
        pending_.insert(pending_.end(), candidates.col(i).data(), candidates.col(i).data() + dim);
        ++kept;
      }
    n_sample_ += kCandidatesPerRound;
    n_reject_ += kCandidatesPerRound - kept;
    if (kept == 0 && ++empty_rounds >= kMaxEmptyRounds)
      throw DegenerateBound("nautilus bound: no candidate passed the neural bounds in " +
                            std::to_string(kMaxEmptyRounds * kCandidatesPerRound) + " draws");
  }
}

PointMatrix NautilusBound::take(std::size_t count) {
  fill(count);
  const std::size_t dim = outer_.dim();
  PointMatrix taken = Eigen::Map<const PointMatrix>(pending_.data() + pending_head_ * dim,
                                                    static_cast<Eigen::Index>(dim),
                                                    static_cast<Eigen::Index>(count));
  pending_head_ += count;
  if (pending_head_ * 2 > pending_.size() / dim) {
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(pending_head_ * dim));
    pending_head_ = 0;
  }
  return taken;
}

double NautilusBound::log_v() {
  if (n_sample_ == 0) fill(100);
  return outer_.log_v() +
         std::log(1.0 - static_cast<double>(n_reject_) / static_cast<double>(n_sample_));
}

std::size_t NautilusBound::n_ellipsoids() const {
  std::size_t count = 0;
  for (const auto& member : outer_.members()) count += member.ellipsoid() ? 1 : 0;
  return count;
}

std::size_t NautilusBound::n_networks() const {
  std::size_t count = 0;
  for (const auto& neural : neural_) count += neural.emulator().networks().size();
  return count;
}

int NautilusBound::network_epochs() const {
  int epochs = 0;
  for (const auto& neural : neural_)
    for (const auto& network : neural.emulator().networks()) epochs += network.epochs();
  return epochs;
}

double NautilusBound::network_sample_epochs() const {
  double work = 0.0;
  for (const auto& neural : neural_)
    for (const auto& network : neural.emulator().networks()) work += network.sample_epochs();
  return work;
}

NautilusBound::Parts NautilusBound::parts() const {
  Parts parts;
  parts.neural = neural_;
  parts.outer = outer_.parts();
  parts.pending.assign(pending_.begin() + static_cast<std::ptrdiff_t>(pending_head_ * outer_.dim()),
                       pending_.end());
  parts.n_sample = n_sample_;
  parts.n_reject = n_reject_;
  return parts;
}

NautilusBound NautilusBound::from_parts(Parts parts) {
  NautilusBound bound;
  bound.neural_ = std::move(parts.neural);
  bound.outer_ = BoundUnion<CubeEllipsoidMixture>::from_parts(std::move(parts.outer));
  bound.pending_ = std::move(parts.pending);
  bound.n_sample_ = parts.n_sample;
  bound.n_reject_ = parts.n_reject;
  return bound;
}

}  // namespace nslab
