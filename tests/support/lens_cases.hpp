#pragma once
// What the lens tests of the device algorithms share, on the host and on a
// GPU: the cells' simulated datasets (cached_simulated_dataset, under
// $NSLAB_CACHE_DIR when set; made on first use, under a second each),
// reproducible prior draws and points near the truth.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "likelihoods/lens/instrument.hpp"
#include "likelihoods/lens/masked_imaging.hpp"
#include "likelihoods/lens/simulator.hpp"
#include "core/thread_pool.hpp"
#include "likelihoods/likelihood.hpp"

namespace nslab::lens_cases {

inline std::shared_ptr<const MaskedImaging> simulated_imaging(const std::string& instrument) {
  static std::map<std::string, std::shared_ptr<const MaskedImaging>> cache;
  auto& slot = cache[instrument];
  if (!slot) {
    const ImagingInstrument& spec = imaging_instrument(instrument);
    slot = make_masked_imaging(cached_simulated_dataset(spec), spec.mask_radius);
  }
  return slot;
}

// `count` points drawn uniformly from the prior (row-major count x dim).
inline std::vector<double> prior_draws(const Likelihood& likelihood, std::size_t count,
                                       std::uint64_t seed) {
  std::mt19937_64 engine(seed);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  const std::size_t dim = likelihood.dim();
  std::vector<double> points(count * dim), unit(dim);
  for (std::size_t i = 0; i < count; ++i) {
    for (double& u : unit) u = uniform(engine);
    likelihood.prior().from_unit(unit, std::span<double>(points).subspan(i * dim, dim));
  }
  return points;
}

// Replaces points [from, count) by `truth` plus a Gaussian jitter of `width`
// in every parameter except those listed in `kept` (left at their draws).
inline void jitter_around(std::vector<double>& points, std::size_t dim, std::size_t from,
                          const std::vector<double>& truth, double width, std::uint64_t seed,
                          const std::vector<std::size_t>& kept = {}) {
  std::mt19937_64 engine(seed);
  std::normal_distribution<double> jitter(0.0, width);
  for (std::size_t i = from; i < points.size() / dim; ++i)
    for (std::size_t k = 0; k < dim; ++k) {
      const double step = jitter(engine);
      if (std::find(kept.begin(), kept.end(), k) == kept.end()) points[i * dim + k] = truth[k] + step;
    }
}

// |a - b| / max(1, |b|), the agreement measure of the device tests.
inline double relative_difference(double a, double b) {
  return std::abs(a - b) / std::max(1.0, std::abs(b));
}

// log L of each point, in one batch through the likelihood's own workspace.
inline std::vector<double> evaluate(const Likelihood& likelihood, const std::vector<double>& points) {
  std::vector<double> log_l(points.size() / likelihood.dim());
  Workspace workspace(likelihood.workspace_allocator());
  likelihood.evaluate(points, log_l, workspace);
  return log_l;
}

// How far the CPU's own value at `point` (cpu_value) moves under changes that
// only round differently: the other inversion formulation (`other`), and the
// Einstein radius (parameter 8) nudged by one ulp either way. Where it moves
// by more than a device test's bound -- a nearly singular F + H at a tiny
// regularization coefficient, or exactly tied traced coordinates whose
// order in the rectangular mesh's rank CDF then depends on the last bit --
// no summation order can do better, and the device tests use it as the
// scale instead (pixelized_device_emulation_test.cpp says how).
inline double round_off_spread(const Likelihood& cpu, const Likelihood& other, const std::vector<double>& point,
                               double cpu_value) {
  std::vector<double> points = point;
  for (double direction : {HUGE_VAL, -HUGE_VAL}) {
    std::vector<double> nudged = point;
    nudged[8] = std::nextafter(point[8], direction);
    points.insert(points.end(), nudged.begin(), nudged.end());
  }
  // Only finite values count: the other formulation in fp32 may refuse a
  // point (-inf) that this one solves, and an infinite spread would excuse
  // any difference at all.
  std::vector<double> moved = evaluate(cpu, points);
  moved[0] = evaluate(other, point)[0];
  double spread = 0.0;
  for (const double value : moved)
    if (std::isfinite(value)) spread = std::max(spread, relative_difference(value, cpu_value));
  return spread;
}

// log L of `points` in a workspace whose every byte is `fill` beforehand:
// 0xFF makes every float and double in it a NaN, so a read before a write
// shows in the value.
inline std::vector<double> evaluate_in_filled_workspace(const Likelihood& likelihood, const std::vector<double>& points,
                                                        unsigned char fill) {
  std::vector<double> log_l(points.size() / likelihood.dim());
  Workspace workspace(likelihood.workspace_allocator());
  workspace.reserve(log_l.size(), likelihood.bytes_per_replica());
  std::memset(workspace.replica(0), fill, workspace.capacity_bytes());
  likelihood.evaluate(points, log_l, workspace);
  return log_l;
}

// Every point's log L in a batch of them is the value of that point alone,
// bit for bit, on one thread or two, in either order, and whatever its
// region held before: a batch reuses one replica region per thread
// (likelihood.cpp), so a value that depended on what an earlier point left
// in its region, or on memory it read before writing, would show here. Each
// point alone is evaluated in a region of NaNs, the batches in zeroed ones.
inline void expect_batch_values_independent_of_threads(const Likelihood& likelihood,
                                                       const std::vector<double>& points) {
  const std::size_t d = likelihood.dim(), count = points.size() / d;
  const std::size_t threads_before = default_thread_pool().size();
  std::vector<double> alone(count);
  for (std::size_t i = 0; i < count; ++i)
    alone[i] = evaluate_in_filled_workspace(
        likelihood, std::vector<double>(points.begin() + i * d, points.begin() + (i + 1) * d), 0xFF)[0];
  const auto finite = std::count_if(alone.begin(), alone.end(), [](double v) { return std::isfinite(v); });
  std::vector<double> reversed;
  for (std::size_t i = count; i-- > 0;) reversed.insert(reversed.end(), points.begin() + i * d, points.begin() + (i + 1) * d);
  for (std::size_t threads : {1, 2}) {
    set_default_threads(threads);
    const std::vector<double> forward = evaluate_in_filled_workspace(likelihood, points, 0x00),
                              backward = evaluate_in_filled_workspace(likelihood, reversed, 0x00);
    for (std::size_t i = 0; i < count; ++i) {
      EXPECT_EQ(forward[i], alone[i]) << "point " << i << ", " << threads << " thread(s)";
      EXPECT_EQ(backward[count - 1 - i], alone[i]) << "point " << i << " reversed, " << threads << " thread(s)";
    }
  }
  EXPECT_GT(finite, 0) << "no finite value: nothing was compared";
  set_default_threads(threads_before);
}

}  // namespace nslab::lens_cases
