#pragma once
// Nested slice sampling with a chunked particle fan-out (docs/nss.md).
//
// The sampler state is plain data (NssState), one outer step is
// step(state) -> state, and the likelihood is reached only through a
// BatchEvaluator that never sees more than chunk_size points at once. The
// loop around the steps is run_sampler (samplers/common/run_loop.hpp).
#include <Eigen/Dense>

#include "samplers/common/batch_evaluator.hpp"
#include "samplers/common/run_loop.hpp"
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
  std::size_t processes = 1;     // processes that have worked on the run (1 + resumes)
  std::size_t iteration() const { return outer_step; }
};

class NssSampler final : public SamplerBase<NssSampler, NssSettings, NssState> {
 public:
  using SamplerBase::SamplerBase;
  // step() changes the state only after its last likelihood call (the
  // chains are its own until then), so a budget or a signal may stop it at
  // any call and leave the last whole step (samplers/common/run_loop.hpp).
  static constexpr bool kStepChangesStateLast = true;

  // The sampler contract (samplers/common/run_loop.hpp).
  NssState initialise(BatchEvaluator& evaluator) const;
  void step(NssState& state, BatchEvaluator& evaluator) const;
  // The live points' remaining evidence is below `termination` (log units).
  bool finished(const NssState& state) const;
  SamplerProgress progress(const NssState& state) const;
  SamplerResult finish(const NssState& state, const std::string& stopped_by) const;

 private:
  Eigen::MatrixXd live_covariance_cholesky(const ParticleSet& live) const;
};

}  // namespace nslab
