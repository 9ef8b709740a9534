#pragma once
// What every sampler returns; the harness turns it into the result file's
// "results" and "performance" blocks.
#include <map>
#include <string>
#include <vector>

#include "samplers/common/batch_evaluator.hpp"

namespace nslab {

// A weighted posterior sample set: points (count x dim, row-major) and their
// normalised weights.
struct WeightedSamples {
  std::size_t dim = 0;
  std::vector<double> points;
  std::vector<double> log_l;
  std::vector<double> weights;
  std::size_t count() const { return log_l.size(); }
};

struct PosteriorSummary {
  std::vector<double> mean, std, covariance;  // covariance: dim x dim, row-major
  double effective_sample_size = 0.0;         // Kish: (sum w)^2 / sum w^2
};

PosteriorSummary summarise_posterior(const WeightedSamples& samples);

struct SamplerResult {
  double log_evidence = 0.0;
  double log_evidence_error = 0.0;
  std::string log_evidence_error_method;
  double max_log_likelihood = 0.0;
  std::vector<double> max_likelihood_parameters;
  WeightedSamples posterior;
  PosteriorSummary summary;
  std::string stopped_by;  // termination | max_evals | max_wall_s
  EvaluationCounters counters;
  double sampler_wall_s = 0.0;
  std::size_t resumed_at_iteration = 0;  // 0: a fresh run, else where a checkpoint took over
  // A run resumed across processes: how many worked on it (1: never resumed)
  // and the sampler wall time of those before this one, already part of
  // sampler_wall_s (the sum of every process's sampler wall up to its last
  // checkpoint; what a killed process did after that is redone, not counted).
  std::size_t processes = 1;
  double earlier_processes_sampler_wall_s = 0.0;
  // Sampler-specific figures worth keeping (e.g. outer steps, slice probes).
  std::map<std::string, double> diagnostics;
};

}  // namespace nslab
