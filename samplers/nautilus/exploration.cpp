#include "samplers/nautilus/exploration.hpp"

#include <algorithm>
#include <numeric>

#include "samplers/nautilus/shell_evidence.hpp"

namespace nslab {
namespace {

struct AllPoints {
  PointMatrix points;  // ascending log L
  std::vector<double> log_l;
};

AllPoints all_points_by_log_l(const NautilusState& state, std::size_t dim) {
  std::vector<double> points, log_l;
  for (const Shell& shell : state.shells) {
    points.insert(points.end(), shell.points.begin(), shell.points.end());
    log_l.insert(log_l.end(), shell.log_l.begin(), shell.log_l.end());
  }
  std::vector<std::size_t> order(log_l.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return log_l[a] < log_l[b]; });
  AllPoints sorted;
  sorted.points.resize(static_cast<Eigen::Index>(dim), static_cast<Eigen::Index>(order.size()));
  sorted.log_l.resize(order.size());
  for (std::size_t k = 0; k < order.size(); ++k) {
    sorted.log_l[k] = log_l[order[k]];
    for (std::size_t j = 0; j < dim; ++j)
      sorted.points(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(k)) =
          points[order[k] * dim + j];
  }
  return sorted;
}

void move_contained_to_pool(NautilusState& state, std::size_t dim) {
  state.transfer.clear();
  ShellBound& newest = state.bounds.back();
  for (std::size_t s = 0; s + 1 < state.shells.size(); ++s) {
    Shell& shell = state.shells[s];
    const std::vector<char> inside = newest.contains(as_point_matrix(shell.points, dim));
    Shell kept = shell;
    kept.points.clear();
    kept.log_l.clear();
    for (std::size_t i = 0; i < shell.size(); ++i) {
      const auto begin = shell.points.begin() + static_cast<std::ptrdiff_t>(i * dim);
      if (inside[i]) {
        state.transfer.points.insert(state.transfer.points.end(), begin, begin + static_cast<std::ptrdiff_t>(dim));
        state.transfer.log_l.push_back(shell.log_l[i]);
        state.transfer.shell.push_back(static_cast<std::int64_t>(s));
      } else {
        kept.points.insert(kept.points.end(), begin, begin + static_cast<std::ptrdiff_t>(dim));
        kept.log_l.push_back(shell.log_l[i]);
      }
    }
    shell = std::move(kept);
    refresh_shell(shell, state.bounds[s].log_v(), false);
  }
}

}  // namespace

void try_add_bound(NautilusState& state, const NautilusSettings& settings, std::size_t dim) {
  const AllPoints all = all_points_by_log_l(state, dim);
  const std::size_t n = all.log_l.size();
  double log_l_min = all.log_l[n - settings.n_live];
  // On a likelihood plateau, step above it when enough points lie above.
  const std::size_t n_points_min = settings.resolved_n_points_min(dim);
  const auto above = std::upper_bound(all.log_l.begin(), all.log_l.end(), log_l_min);
  const auto at = std::equal_range(all.log_l.begin(), all.log_l.end(), log_l_min);
  if (at.second - at.first > 1 && static_cast<std::size_t>(all.log_l.end() - above) >= n_points_min)
    log_l_min = *above;

  // Without a point below the threshold there is nothing to zoom in on.
  if (all.log_l.front() >= log_l_min) {
    state.shells.back().log_l_min = log_l_min;
    ++state.bounds_not_built;
    return;
  }

  const std::uint32_t bound_id = ++state.bound_attempts;
  const BoundSettings bound_settings{settings.enlarge_per_dim, n_points_min,
                                     settings.split_threshold, settings.n_networks};
  const double log_v_target = live_set_estimate(state.shells, settings.n_live, false).log_v_live;
  bool accepted = false;
  NautilusBound bound;
  try {
    bound = NautilusBound::compute(all.points, all.log_l, log_l_min, log_v_target, bound_settings,
                                   settings.seed, bound_id);
    state.network_epochs += static_cast<std::size_t>(bound.network_epochs());
    state.network_sample_epochs += bound.network_sample_epochs();
    bound.fill(1000);  // a first volume estimate before comparing
    accepted = bound.log_v() < state.bounds.back().log_v();
    if (!accepted) ++state.bounds_rejected;
  } catch (const DegenerateBound&) {
    ++state.bounds_degenerate;
  }
  if (!accepted) {
    state.shells.back().log_l_min = log_l_min;
    return;
  }
  state.bounds.push_back(ShellBound::nautilus(std::move(bound), dim));
  Shell shell;
  shell.log_l_min = log_l_min;
  state.shells.push_back(std::move(shell));
  move_contained_to_pool(state, dim);
}

void end_exploration(NautilusState& state, bool discard_exploration) {
  for (std::size_t s = state.shells.size(); s-- > 0;) {
    if (state.shells[s].size() > 0) continue;
    state.shells.erase(state.shells.begin() + static_cast<std::ptrdiff_t>(s));
    state.bounds.erase(state.bounds.begin() + static_cast<std::ptrdiff_t>(s));
  }
  for (Shell& shell : state.shells) {
    shell.n_sample_exploration = shell.n_sample;
    shell.end_exploration = shell.size();
  }
  state.transfer.clear();
  state.explored = true;
  state.discard_exploration = discard_exploration;
  for (std::size_t s = 0; s < state.shells.size(); ++s)
    refresh_shell(state.shells[s], state.bounds[s].log_v(), state.discarding());
}

}  // namespace nslab
