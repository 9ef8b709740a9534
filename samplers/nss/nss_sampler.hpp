#pragma once
// Nested slice sampling with a chunked particle fan-out (nss.md).
//
// The sampler state is plain data (NssState), one outer step is
// step(state) -> state, and the likelihood is reached only through a
// BatchEvaluator that never sees more than chunk_size points at once.
#include <functional>

#include <Eigen/Dense>

#include "samplers/common/batch_evaluator.hpp"
#include "samplers/common/sampler_result.hpp"
#include "samplers/nss/evidence.hpp"
#include "samplers/nss/nss_settings.hpp"
#include "samplers/nss/particles.hpp"

namespace nslab {

struct NssState {
  std::uint32_t outer_step = 0;
  ParticleSet live;
  ParticleSet dead;
  RunningEvidence evidence;
  EvaluationCounters counters;
  std::size_t slice_probes = 0;  // stepping-out and shrinkage probes (each one evaluation)
  double elapsed_wall_s = 0.0;   // sampler wall time before a resume
};

struct NssProgress {
  std::uint32_t outer_step;
  std::size_t likelihood_evals;
  double log_z, log_z_live, elapsed_wall_s;
  double likelihood_wall_s;
};

class NssSampler {
 public:
  NssSampler(const Likelihood& likelihood, NssSettings settings);

  // Called after every outer step, e.g. for progress and checkpoints.
  using StepObserver = std::function<void(const NssState&, const NssProgress&)>;
  SamplerResult run(const StepObserver& observer = {}, const NssState* resume_from = nullptr);

  // The pieces run() is made of, public for tests.
  NssState initialise(BatchEvaluator& evaluator) const;
  void step(NssState& state, BatchEvaluator& evaluator) const;
  SamplerResult finish(const NssState& state, const std::string& stopped_by) const;
  const NssSettings& settings() const { return settings_; }

 private:
  Eigen::MatrixXd live_covariance_cholesky(const ParticleSet& live) const;
  const Likelihood& likelihood_;
  NssSettings settings_;
};

}  // namespace nslab
