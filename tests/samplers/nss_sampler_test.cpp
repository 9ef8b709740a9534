#include "samplers/nss/nss_sampler.hpp"

#include <gtest/gtest.h>

#include <signal.h>

#include <atomic>
#include <cmath>
#include <optional>

#include "core/error.hpp"
#include "core/thread_pool.hpp"
#include "likelihoods/analytic/gaussian.hpp"
#include "likelihoods/analytic/mixture.hpp"
#include "likelihoods/synthetic/mapping.hpp"
#include "samplers/common/run_stop.hpp"
#include "support/function_likelihood.hpp"
#include "support/sampler_results.hpp"

namespace nslab {
namespace {

NssSettings settings_for(std::size_t dim, std::uint64_t seed = 42) {
  NssSettings settings;
  settings.num_inner_steps = std::max<std::size_t>(5, 2 * dim);
  settings.seed = seed;
  return settings;
}

struct EvidenceCase {
  const char* model;
  int dim;
};

class NssAnalyticEvidence : public ::testing::TestWithParam<EvidenceCase> {};

TEST_P(NssAnalyticEvidence, LogZIsWithinThreeSigmaOfTheClosedForm) {
  const auto [model, dim] = GetParam();
  std::unique_ptr<Likelihood> likelihood;
  if (std::string(model) == "gaussian") likelihood = std::make_unique<GaussianLikelihood<double>>(dim);
  else likelihood = std::make_unique<MixtureLikelihood<double>>(dim);
  for (std::uint64_t seed : {1, 2}) {
    NssSampler sampler(*likelihood, settings_for(dim, seed));
    const SamplerResult result = sampler.run();
    const double reference = *likelihood->reference_log_evidence();
    EXPECT_EQ(result.stopped_by, "termination");
    EXPECT_LT(std::abs(result.log_evidence - reference), 3 * result.log_evidence_error)
        << model << " d" << dim << " seed " << seed << ": " << result.log_evidence << " +- "
        << result.log_evidence_error << " vs " << reference;
  }
}

INSTANTIATE_TEST_SUITE_P(Analytic, NssAnalyticEvidence,
                         ::testing::Values(EvidenceCase{"gaussian", 2}, EvidenceCase{"gaussian", 5},
                                           EvidenceCase{"gaussian", 10}, EvidenceCase{"mixture", 2},
                                           EvidenceCase{"mixture", 5}));

TEST(NssSampler, RecoversTheGaussianPosteriorMoments) {
  GaussianLikelihood<double> likelihood(2);
  NssSettings settings = settings_for(2, 3);
  settings.n_live = 500;
  const SamplerResult result = NssSampler(likelihood, settings).run();
  const auto& problem = likelihood.problem();
  for (int i = 0; i < 2; ++i) {
    const double sigma = std::sqrt(problem.covariance(i, i));
    EXPECT_NEAR(result.summary.mean[i], problem.mean[i], 0.1 * sigma);
    for (int j = 0; j < 2; ++j)
      EXPECT_NEAR(result.summary.covariance[i * 2 + j], problem.covariance(i, j),
                  0.15 * problem.covariance(i, i));
  }
  EXPECT_GT(result.summary.effective_sample_size, 500);
}

TEST(NssSampler, ResultsDoNotDependOnChunkSizeOrThreads) {
  GaussianLikelihood<double> likelihood(3);
  NssSettings settings = settings_for(3);
  settings.n_live = 60;
  settings.num_delete = 20;
  set_default_threads(1);
  const SamplerResult reference = NssSampler(likelihood, settings).run();  // chunk_size unset
  for (std::size_t chunk : {1, 3, 20}) {  // 20 = num_delete
    settings.chunk_size = chunk;
    SCOPED_TRACE("chunk_size " + std::to_string(chunk));
    const SamplerResult result = NssSampler(likelihood, settings).run();
    testing::expect_same_results(reference, result);
    EXPECT_LE(result.counters.largest_batch, chunk);
  }
  set_default_threads(2);
  settings.chunk_size = 3;
  testing::expect_same_results(reference, NssSampler(likelihood, settings).run());
  set_default_threads(0);
}

TEST(NssSampler, EveryProbeIsOneCountedEvaluation) {
  GaussianLikelihood<double> likelihood(2);
  NssSettings settings = settings_for(2);
  const SamplerResult result = NssSampler(likelihood, settings).run();
  EXPECT_EQ(result.counters.likelihood_evals,
            settings.n_live + static_cast<std::size_t>(result.diagnostics.at("slice_probes")));
}

// NSS's error (docs/nss.md, "Evidence") is the spread of sampled shrinkages; over independent seeds
// the real scatter of log Z must match it (within a factor 2).
TEST(NssSampler, ReportedErrorIsHonestOverTwentySeeds) {
  GaussianLikelihood<double> likelihood(2);
  std::vector<double> log_z;
  double mean_error = 0;
  for (std::uint64_t seed = 100; seed < 120; ++seed) {
    const SamplerResult result = NssSampler(likelihood, settings_for(2, seed)).run();
    log_z.push_back(result.log_evidence);
    mean_error += result.log_evidence_error / 20;
  }
  double mean = 0, scatter = 0;
  for (double v : log_z) mean += v / 20;
  for (double v : log_z) scatter += (v - mean) * (v - mean) / 19;
  scatter = std::sqrt(scatter);
  EXPECT_GT(scatter / mean_error, 0.5) << "scatter " << scatter << ", mean reported error " << mean_error;
  EXPECT_LT(scatter / mean_error, 2.0) << "scatter " << scatter << ", mean reported error " << mean_error;
  EXPECT_LT(std::abs(mean - *likelihood.reference_log_evidence()), 3 * scatter / std::sqrt(20.0));
}

TEST(NssSampler, SameSeedSameResultOtherSeedOtherResult) {
  MixtureLikelihood<double> likelihood(2);
  const SamplerResult a = NssSampler(likelihood, settings_for(2, 9)).run();
  const SamplerResult b = NssSampler(likelihood, settings_for(2, 9)).run();
  const SamplerResult c = NssSampler(likelihood, settings_for(2, 10)).run();
  testing::expect_same_results(a, b);
  EXPECT_NE(a.log_evidence, c.log_evidence);
}

TEST(NssSampler, PeakMemoryIsChunkSizeTimesBytesPerReplica) {
  MappingLikelihood<double> likelihood("ci");
  const std::size_t fixed = host_memory_meter().current_bytes();
  for (std::size_t n_live : {100, 400}) {
    for (std::size_t chunk : {1, 2, 4, 8, 16}) {
      NssSettings settings = settings_for(4);
      settings.n_live = n_live;
      settings.num_delete = 16;
      settings.chunk_size = chunk;
      settings.max_evals = n_live + 200;
      host_memory_meter().reset_peak();
      const SamplerResult result = NssSampler(likelihood, settings).run();
      EXPECT_EQ(result.stopped_by, "max_evals");
      // Exact, so stronger than the linear fit: the workspace is the only
      // per-evaluation memory, and nothing grows with n_live.
      EXPECT_EQ(host_memory_meter().peak_bytes() - fixed, chunk * likelihood.bytes_per_replica())
          << "chunk " << chunk << " n_live " << n_live;
    }
  }
}

TEST(NssSampler, ConstantLikelihoodTerminatesWithThatEvidence) {
  testing::FunctionLikelihood constant(3, [](std::span<const double>) { return -1.5; });
  NssSettings settings = settings_for(3);
  settings.n_live = 50;
  settings.num_delete = 10;
  const SamplerResult result = NssSampler(constant, settings).run();
  EXPECT_EQ(result.stopped_by, "termination");
  EXPECT_NEAR(result.log_evidence, -1.5, 0.05);
}

TEST(NssSampler, NanLikelihoodIsMinusInfinityAndCounted) {
  testing::FunctionLikelihood sometimes_nan(2, [](std::span<const double> x) {
    return x[0] > 0.5 ? std::nan("") : -0.5 * (x[0] * x[0] + x[1] * x[1]) / 0.01;
  });
  NssSettings settings = settings_for(2);
  settings.n_live = 100;
  settings.num_delete = 20;
  const SamplerResult result = NssSampler(sometimes_nan, settings).run();
  EXPECT_EQ(result.stopped_by, "termination");
  EXPECT_GT(result.counters.non_finite_log_likelihoods, 0u);
  for (double v : result.posterior.log_l) EXPECT_FALSE(std::isnan(v));
}

TEST(NssSampler, EverywhereMinusInfinityStopsWithinItsBudget) {
  testing::FunctionLikelihood nothing(2, [](std::span<const double>) { return -INFINITY; });
  NssSettings settings = settings_for(2);
  settings.n_live = 20;
  settings.num_delete = 5;
  settings.max_evals = 5000;
  const SamplerResult result = NssSampler(nothing, settings).run();
  // Never terminates on its own (log Z and log Z_live are both -inf), so the
  // evaluation budget stops it, checked before every likelihood call: it is
  // never exceeded, and missed by less than one call (num_delete points).
  EXPECT_EQ(result.stopped_by, "max_evals");
  EXPECT_LE(result.counters.likelihood_evals, settings.max_evals);
  EXPECT_GT(result.counters.likelihood_evals, settings.max_evals - settings.num_delete);
  EXPECT_EQ(result.log_evidence, -INFINITY);
}

TEST(NssSampler, AStopRequestEndsTheRunAtTheNextCallAndItsLastWholeStepResumesExactly) {
  std::atomic<std::size_t> points{0}, stop_at{0};
  testing::FunctionLikelihood likelihood(2, [&](std::span<const double> x) {
    if (++points == stop_at) g_stop_request = SIGTERM;
    return -0.5 * (x[0] * x[0] + x[1] * x[1]) / 0.01;
  });
  NssSettings settings = settings_for(2);
  settings.n_live = 50;
  settings.num_delete = 10;
  settings.chunk_size = 5;
  const NssSampler sampler(likelihood, settings);
  const SamplerResult whole = sampler.run();

  points = 0;
  stop_at = whole.counters.likelihood_evals / 2;  // inside some step
  std::optional<NssState> saved;
  try {
    run_sampler(sampler, {}, nullptr, [&](const NssState& state) { saved = state; });
    ADD_FAILURE() << "a stop request must end the run";
  } catch (const RunInterrupted& stop) {
    EXPECT_EQ(stop.signal, SIGTERM);
    EXPECT_TRUE(stop.saved);
    ASSERT_TRUE(saved.has_value());
    EXPECT_EQ(stop.iteration, saved->outer_step);
    EXPECT_GT(saved->outer_step, 0u);
    // Stopped at the call after the request, not at the end of the step.
    EXPECT_LE(stop.likelihood_evals, stop_at + settings.chunk_size);
    EXPECT_LE(saved->counters.likelihood_evals, stop.likelihood_evals);
  }
  g_stop_request = 0;
  ASSERT_TRUE(saved.has_value());
  testing::expect_same_results(whole, sampler.run({}, &*saved));
}

TEST(NssSampler, ReplacementsAreBornAtTheThresholdEvenIfTheyNeverMoved) {
  GaussianLikelihood<double> likelihood(2);
  NssSettings settings = settings_for(2);
  settings.n_live = 20;
  settings.num_delete = 5;
  settings.max_shrinkage = 1;  // most chains reject their only shrink draw
  NssSampler sampler(likelihood, settings);
  BatchEvaluator evaluator(likelihood);
  NssState state = sampler.initialise(evaluator);
  std::vector<double> sorted = state.live.log_l;
  std::sort(sorted.begin(), sorted.end());
  const double threshold = sorted[4];
  sampler.step(state, evaluator);
  int born_here = 0;
  for (double birth : state.live.log_l_birth) born_here += birth == threshold;
  EXPECT_EQ(born_here, 5);
  EXPECT_EQ(state.dead.size(), 5u);
}

TEST(NssSettings, BadValuesAreRefusedWithTheirName) {
  GaussianLikelihood<double> likelihood(2);
  auto refused = [&](auto mutate, const char* word) {
    NssSettings settings;
    mutate(settings);
    try {
      NssSampler sampler(likelihood, settings);
      ADD_FAILURE() << "accepted " << word;
    } catch (const UsageError& error) {
      EXPECT_NE(std::string(error.what()).find(word), std::string::npos) << error.what();
    }
  };
  refused([](NssSettings& s) { s.num_delete = 200; }, "num_delete");
  refused([](NssSettings& s) { s.num_delete = 0; }, "num_delete");
  refused([](NssSettings& s) { s.n_live = 1; }, "n_live");
  refused([](NssSettings& s) { s.num_inner_steps = 0; }, "num_inner_steps");
}

}  // namespace
}  // namespace nslab
