#include "core/phase_profile.hpp"

#include <atomic>

namespace nslab {
namespace {
std::atomic<bool> profile_enabled{false};
thread_local std::array<double, kPhaseCount> thread_seconds{};
}  // namespace

const char* phase_name(Phase phase) {
  switch (phase) {
    case Phase::kLightProfiles: return "light_profiles";
    case Phase::kRayTracing: return "ray_tracing";
    case Phase::kMesh: return "mesh";
    case Phase::kMapping: return "mapping";
    case Phase::kBlurring: return "blurring";
    case Phase::kCurvature: return "curvature";
    case Phase::kNnls: return "nnls";
    case Phase::kLogDet: return "log_det";
    case Phase::kChiSquared: return "chi_squared";
    case Phase::kCount: break;
  }
  return "?";
}

void enable_phase_profile(bool enabled) { profile_enabled.store(enabled, std::memory_order_relaxed); }
bool phase_profile_enabled() { return profile_enabled.load(std::memory_order_relaxed); }
std::array<double, kPhaseCount> phase_seconds() { return thread_seconds; }
void reset_phase_profile() { thread_seconds.fill(0.0); }

PhaseTimer::PhaseTimer(Phase phase) : phase_(phase), running_(phase_profile_enabled()) {
  if (running_) start_ = std::chrono::steady_clock::now();
}

void PhaseTimer::stop() {
  if (!running_) return;
  running_ = false;
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start_;
  thread_seconds[static_cast<std::size_t>(phase_)] += elapsed.count();
}

}  // namespace nslab
