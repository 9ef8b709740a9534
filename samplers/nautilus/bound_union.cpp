#include "samplers/nautilus/bound_union.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "core/log_math.hpp"
#include "samplers/nautilus/two_component_split.hpp"

namespace nslab {
namespace {

// A union whose rounds keep nothing this many times in a row is empty for
// practical purposes; failing beats looping forever.
constexpr int kMaxEmptyRounds = 1000;

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

PointMatrix columns_labelled(const PointMatrix& points, const std::vector<int>& labels, int label) {
  std::vector<char> mask(labels.size());
  for (std::size_t i = 0; i < labels.size(); ++i) mask[i] = labels[i] == label;
  return select_columns(points, mask);
}

}  // namespace

template <class Member>
BoundUnion<Member> BoundUnion<Member>::enclosing(const PointMatrix& points, double enlarge_per_dim,
                                                 std::size_t n_points_min, BoundRandom random) {
  BoundUnion union_;
  union_.dim_ = static_cast<std::size_t>(points.rows());
  union_.enlarge_per_dim_ = enlarge_per_dim;
  union_.n_points_min_ = n_points_min;
  union_.random_ = random;
  union_.members_.push_back(Member::enclosing(points, enlarge_per_dim));
  union_.member_points_.push_back(points);
  union_.blocked_.push_back(static_cast<std::size_t>(points.cols()) < 2 * n_points_min);
  return union_;
}

template <class Member>
double BoundUnion<Member>::log_v_members() const {
  std::vector<double> log_v;
  for (const Member& member : members_) log_v.push_back(member.log_v());
  return log_sum_exp(log_v);
}

template <class Member>
bool BoundUnion<Member>::split(bool allow_overlap) {
  static_assert(std::is_same_v<Member, Ellipsoid> || std::is_same_v<Member, CubeEllipsoidMixture>);
  for (;;) {
    std::size_t index = members_.size();
    double largest = -std::numeric_limits<double>::infinity();
    for (std::size_t k = 0; k < members_.size(); ++k)
      if (!blocked_[k] && (index == members_.size() || members_[k].log_v() > largest)) {
        index = k;
        largest = members_[k].log_v();
      }
    if (index == members_.size()) return false;

    const PointMatrix& points = member_points_[index];
    const auto labels =
        split_in_two(members_[index].transform(points), n_points_min_, random_, splits_++);
    if (!labels) {
      blocked_[index] = 1;
      continue;
    }
    Member halves[2];
    PointMatrix half_points[2];
    try {
      for (int label = 0; label < 2; ++label) {
        half_points[label] = columns_labelled(points, *labels, label);
        halves[label] = Member::enclosing(half_points[label], enlarge_per_dim_);
      }
    } catch (const DegenerateBound&) {
      blocked_[index] = 1;
      continue;
    }
    if constexpr (std::is_same_v<Member, Ellipsoid>) {
      if (!allow_overlap) {
        std::vector<const Ellipsoid*> after;
        for (std::size_t k = 0; k < members_.size(); ++k)
          if (k != index) after.push_back(&members_[k]);
        after.push_back(&halves[0]);
        after.push_back(&halves[1]);
        if (ellipsoids_overlap(after)) return false;
      }
    }
    if (log_add_exp(halves[0].log_v(), halves[1].log_v()) > members_[index].log_v()) {
      blocked_[index] = 1;
      continue;
    }
    members_.erase(members_.begin() + static_cast<std::ptrdiff_t>(index));
    member_points_.erase(member_points_.begin() + static_cast<std::ptrdiff_t>(index));
    blocked_.erase(blocked_.begin() + static_cast<std::ptrdiff_t>(index));
    for (int label = 0; label < 2; ++label) {
      blocked_.push_back(static_cast<std::size_t>(half_points[label].cols()) < 2 * n_points_min_);
      members_.push_back(std::move(halves[label]));
      member_points_.push_back(std::move(half_points[label]));
    }
    restart_sampling();
    return true;
  }
}

template <class Member>
bool BoundUnion<Member>::trim(double threshold) {
  if (members_.size() < 2) return false;
  std::vector<double> log_density;
  for (std::size_t k = 0; k < members_.size(); ++k)
    log_density.push_back(std::log(static_cast<double>(member_points_[k].cols())) -
                          members_[k].log_v());
  const std::size_t index = static_cast<std::size_t>(
      std::min_element(log_density.begin(), log_density.end()) - log_density.begin());
  std::vector<double> others;
  for (std::size_t k = 0; k < log_density.size(); ++k)
    if (k != index) others.push_back(log_density[k]);
  if (!(log_density[index] - median(others) < -std::log(threshold))) return false;
  members_.erase(members_.begin() + static_cast<std::ptrdiff_t>(index));
  member_points_.erase(member_points_.begin() + static_cast<std::ptrdiff_t>(index));
  blocked_.erase(blocked_.begin() + static_cast<std::ptrdiff_t>(index));
  restart_sampling();
  return true;
}

template <class Member>
bool BoundUnion<Member>::contains(const double* point) const {
  for (std::size_t k = 0; k < dim_; ++k)
    if (!(point[k] >= 0.0 && point[k] < 1.0)) return false;
  for (const Member& member : members_)
    if (member.contains(point)) return true;
  return false;
}

template <class Member>
std::vector<char> BoundUnion<Member>::contains(const PointMatrix& points) const {
  std::vector<char> inside(static_cast<std::size_t>(points.cols()));
  for (Eigen::Index i = 0; i < points.cols(); ++i)
    inside[static_cast<std::size_t>(i)] = contains(points.col(i).data());
  return inside;
}

template <class Member>
void BoundUnion<Member>::restart_sampling() {
  pending_.clear();
  pending_head_ = 0;
  n_sample_ = n_reject_ = 0;
}

template <class Member>
void BoundUnion<Member>::draw_round() {
  const std::uint32_t round = rounds_++;
  const RandomStream member_draw = random_.stream(BoundDraw::kMember, round);
  const RandomStream direction = random_.stream(BoundDraw::kDirection, round);
  const RandomStream radius = random_.stream(BoundDraw::kRadius, round);
  const RandomStream cube = random_.stream(BoundDraw::kCube, round);
  const RandomStream overlap = random_.stream(BoundDraw::kOverlap, round);
  std::vector<double> cumulative;
  const double log_total = log_v_members();
  double running = 0.0;
  for (const Member& member : members_) {
    running += std::exp(member.log_v() - log_total);
    cumulative.push_back(running);
  }
  const std::uint32_t stride = static_cast<std::uint32_t>(dim_);
  std::vector<double> point(dim_);
  std::size_t kept = 0;
  for (std::uint32_t i = 0; i < kCandidatesPerRound; ++i) {
    const double u = member_draw.uniform(i) * running;
    std::size_t chosen = members_.size() - 1;
    for (std::size_t k = 0; k < cumulative.size(); ++k)
      if (u < cumulative[k]) {
        chosen = k;
        break;
      }
    if constexpr (std::is_same_v<Member, Ellipsoid>)
      members_[chosen].sample_into(point.data(), direction, radius, i, stride);
    else
      members_[chosen].sample_into(point.data(), direction, radius, cube, i, stride);
    bool in_cube = true;
    for (double x : point) in_cube = in_cube && x >= 0.0 && x < 1.0;
    if (!in_cube) continue;
    int containing = 0;
    for (const Member& member : members_) containing += member.contains(point.data()) ? 1 : 0;
    // Overlapping members would over-sample their intersection.
    if (containing > 1 && !(overlap.uniform(i) < 1.0 / containing)) continue;
    pending_.insert(pending_.end(), point.begin(), point.end());
    ++kept;
  }
  n_sample_ += kCandidatesPerRound;
  n_reject_ += kCandidatesPerRound - kept;
}

template <class Member>
void BoundUnion<Member>::fill(std::size_t count) {
  int empty_rounds = 0;
  while ((pending_.size() / dim_) - pending_head_ < count) {
    const std::size_t before = pending_.size();
    draw_round();
    if (pending_.size() == before && ++empty_rounds >= kMaxEmptyRounds)
      throw DegenerateBound("union: no candidate fell inside the unit cube in " +
                            std::to_string(kMaxEmptyRounds) + " rounds");
  }
}

template <class Member>
PointMatrix BoundUnion<Member>::take(std::size_t count) {
  fill(count);
  PointMatrix taken = Eigen::Map<const PointMatrix>(pending_.data() + pending_head_ * dim_,
                                                    static_cast<Eigen::Index>(dim_),
                                                    static_cast<Eigen::Index>(count));
  pending_head_ += count;
  if (pending_head_ * 2 > pending_.size() / dim_) {  // drop the taken prefix now and then
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(pending_head_ * dim_));
    pending_head_ = 0;
  }
  return taken;
}

template <class Member>
double BoundUnion<Member>::log_v() {
  if (n_sample_ == 0) fill(100);
  return log_v_members() +
         std::log(1.0 - static_cast<double>(n_reject_) / static_cast<double>(n_sample_));
}

template <class Member>
typename BoundUnion<Member>::Parts BoundUnion<Member>::parts() const {
  Parts parts;
  parts.dim = dim_;
  parts.enlarge_per_dim = enlarge_per_dim_;
  parts.n_points_min = n_points_min_;
  parts.random = random_;
  parts.members = members_;
  parts.member_points = member_points_;
  parts.blocked = blocked_;
  parts.pending.assign(pending_.begin() + static_cast<std::ptrdiff_t>(pending_head_ * dim_),
                       pending_.end());
  parts.n_sample = n_sample_;
  parts.n_reject = n_reject_;
  parts.rounds = rounds_;
  parts.splits = splits_;
  return parts;
}

template <class Member>
BoundUnion<Member> BoundUnion<Member>::from_parts(Parts parts) {
  BoundUnion union_;
  union_.dim_ = parts.dim;
  union_.enlarge_per_dim_ = parts.enlarge_per_dim;
  union_.n_points_min_ = parts.n_points_min;
  union_.random_ = parts.random;
  union_.members_ = std::move(parts.members);
  union_.member_points_ = std::move(parts.member_points);
  union_.blocked_ = std::move(parts.blocked);
  union_.pending_ = std::move(parts.pending);
  union_.n_sample_ = parts.n_sample;
  union_.n_reject_ = parts.n_reject;
  union_.rounds_ = parts.rounds;
  union_.splits_ = parts.splits;
  return union_;
}

template class BoundUnion<Ellipsoid>;
template class BoundUnion<CubeEllipsoidMixture>;

}  // namespace nslab
