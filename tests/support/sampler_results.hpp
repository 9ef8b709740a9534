#pragma once
// Two sampler results are the same run's, bit for bit: the evidence, the
// posterior, the best point, the evaluations and the diagnostics. (Not the
// number of batched calls, which changes with chunk_size by design, nor the
// wall times.)
#include <gtest/gtest.h>

#include "samplers/common/sampler_result.hpp"

namespace nslab::testing {

inline void expect_same_results(const SamplerResult& a, const SamplerResult& b) {
  EXPECT_EQ(a.log_evidence, b.log_evidence);
  EXPECT_EQ(a.log_evidence_error, b.log_evidence_error);
  EXPECT_EQ(a.max_log_likelihood, b.max_log_likelihood);
  EXPECT_EQ(a.max_likelihood_parameters, b.max_likelihood_parameters);
  EXPECT_EQ(a.posterior.points, b.posterior.points);
  EXPECT_EQ(a.posterior.log_l, b.posterior.log_l);
  EXPECT_EQ(a.posterior.weights, b.posterior.weights);
  EXPECT_EQ(a.counters.likelihood_evals, b.counters.likelihood_evals);
  EXPECT_EQ(a.diagnostics, b.diagnostics);
  EXPECT_EQ(a.stopped_by, b.stopped_by);
}

}  // namespace nslab::testing
