#include "samplers/nautilus/shell_sampling.hpp"

#include <algorithm>
#include <string>

#include "core/error.hpp"
#include "core/random_stream.hpp"

namespace nslab {
namespace {

// A shell so thin that a batch needs more draws than this per point is
// treated as a failed run rather than a silent hang.
constexpr std::size_t kMaxDrawsPerPoint = 1'000'000;

enum class TransferDraw : std::uint32_t { kPoolPick = 1, kCandidatePick = 2 };

// `count` of `items`, without replacement, in random order (partial Fisher-Yates).
std::vector<std::size_t> choose(std::vector<std::size_t> items, std::size_t count,
                                const RandomStream& stream) {
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t j = i + stream.below(static_cast<std::uint32_t>(i), items.size() - i);
    std::swap(items[i], items[j]);
  }
  items.resize(count);
  return items;
}

std::vector<char> negate(const std::vector<char>& mask) {
  std::vector<char> result(mask.size());
  for (std::size_t i = 0; i < mask.size(); ++i) result[i] = !mask[i];
  return result;
}

}  // namespace

std::vector<std::int64_t> shell_association(const std::vector<ShellBound>& bounds,
                                            const PointMatrix& points, std::size_t n_bounds) {
  std::vector<std::int64_t> shell(static_cast<std::size_t>(points.cols()), -1);
  for (std::size_t b = n_bounds; b-- > 0;) {
    std::vector<char> open(shell.size());
    bool any = false;
    for (std::size_t i = 0; i < shell.size(); ++i) any |= (open[i] = shell[i] < 0) != 0;
    if (!any) break;
    const std::vector<char> inside = bounds[b].contains(select_columns(points, open));
    for (std::size_t i = 0, k = 0; i < shell.size(); ++i)
      if (open[i] && inside[k++]) shell[i] = static_cast<std::int64_t>(b);
  }
  return shell;
}

ShellDraw draw_for_shell(NautilusState& state, std::size_t shell, std::size_t n_batch,
                         bool use_transfer, std::uint64_t seed) {
  const std::size_t n_bounds = state.bounds.size();
  ShellDraw draw;
  std::size_t fresh = 0;
  for (std::uint32_t round = 0; fresh < n_batch; ++round) {
    const std::size_t need = n_batch - fresh;
    PointMatrix candidates = state.bounds[shell].take(need);
    draw.n_drawn += need;
    if (draw.n_drawn > kMaxDrawsPerPoint * n_batch)
      throw RunError("nautilus: shell " + std::to_string(shell) + " took more than " +
                     std::to_string(kMaxDrawsPerPoint) +
                     " draws per point; its volume is too small to sample");

    // A draw inside a later bound belongs to a later shell.
    for (std::size_t later = shell + 1; later < n_bounds && candidates.cols() > 0; ++later)
      candidates = select_columns(candidates, negate(state.bounds[later].contains(candidates)));

    if (use_transfer && candidates.cols() > 0) {
      const std::vector<std::int64_t> old_shell =
          shell_association(state.bounds, candidates, n_bounds - 1);
      std::vector<char> replaced(static_cast<std::size_t>(candidates.cols()), 0);
      TransferPool& pool = state.transfer;
      for (std::size_t s = 0; s + 1 < n_bounds; ++s) {
        std::vector<std::size_t> available, landed;
        for (std::size_t i = 0; i < pool.size(); ++i)
          if (pool.shell[i] == static_cast<std::int64_t>(s)) available.push_back(i);
        for (std::size_t i = 0; i < old_shell.size(); ++i)
          if (old_shell[i] == static_cast<std::int64_t>(s)) landed.push_back(i);
        const std::size_t n = std::min(available.size(), landed.size());
        if (n == 0) continue;
        auto stream = [&](TransferDraw what) {
          return RandomStream(seed, RandomPurpose::kNautilus, state.batches, round,
                              (static_cast<std::uint32_t>(what) << 24) | static_cast<std::uint32_t>(s));
        };
        for (std::size_t i : choose(available, n, stream(TransferDraw::kPoolPick))) {
          draw.transferred.push_back(i);
          pool.shell[i] = -1;
        }
        for (std::size_t i : choose(landed, n, stream(TransferDraw::kCandidatePick))) replaced[i] = 1;
      }
      candidates = select_columns(candidates, negate(replaced));
    }
    draw.fresh.insert(draw.fresh.end(), candidates.data(), candidates.data() + candidates.size());
    fresh += static_cast<std::size_t>(candidates.cols());
  }
  return draw;
}

}  // namespace nslab
