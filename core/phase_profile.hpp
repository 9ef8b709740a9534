#pragma once
// Where the time of a likelihood evaluation goes (`nslab eval --profile N`).
//
// The likelihoods mark their phases with a PhaseTimer; the totals accumulate
// per thread, so a profile is read on the thread that evaluated (eval runs
// one point at a time on the calling thread). Profiling is off unless
// enabled: a PhaseTimer then costs one relaxed atomic load, so the markers
// stay in the code that runs and the profile describes that code, not a copy.
#include <array>
#include <chrono>
#include <cstddef>

namespace nslab {

enum class Phase : int {
  kLightProfiles,  // Gaussian (MGE) columns on the over-sampled and blurring grids
  kRayTracing,     // deflection angles and the traced grid (incl. border relocation)
  kMesh,           // source mesh: image-mesh, triangulation or rectangular grid, H
  kMapping,        // mapping-matrix rows / matrix, M^T products
  kBlurring,       // PSF convolution of the columns (dense) or of M s and P^T (sparse)
  kCurvature,      // F and D: (B/sigma)^T (B/sigma) or w-tilde M^T W M
  kNnls,           // the positive-only solve (FNNLS, with its Cholesky factors)
  kLogDet,         // Cholesky log-determinants and s^T H s
  kChiSquared,     // model image and chi^2
  kCount
};
inline constexpr std::size_t kPhaseCount = static_cast<std::size_t>(Phase::kCount);

const char* phase_name(Phase phase);
void enable_phase_profile(bool enabled);
bool phase_profile_enabled();
// Seconds per phase accumulated on this thread since the last reset.
std::array<double, kPhaseCount> phase_seconds();
void reset_phase_profile();

class PhaseTimer {
 public:
  explicit PhaseTimer(Phase phase);
  ~PhaseTimer() { stop(); }
  PhaseTimer(const PhaseTimer&) = delete;
  PhaseTimer& operator=(const PhaseTimer&) = delete;
  // Ends the phase early (the destructor then does nothing).
  void stop();

 private:
  Phase phase_;
  bool running_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace nslab
