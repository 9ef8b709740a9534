// The nautilus sampler end to end: evidence and posterior against closed
// forms, the batch and memory contract, reproducibility, refusals and the
// documented outcomes for awkward likelihoods.
#include "samplers/nautilus/nautilus_sampler.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"
#include "core/memory_meter.hpp"
#include "core/normal_distribution.hpp"
#include "core/thread_pool.hpp"
#include "likelihoods/analytic/gaussian.hpp"
#include "likelihoods/analytic/mixture.hpp"
#include "likelihoods/synthetic/mapping.hpp"
#include "support/function_likelihood.hpp"
#include "support/sampler_results.hpp"

namespace nslab {
namespace {

// af.Nautilus as autolens_profiling runs it (the cell defaults).
NautilusSettings cell_settings(std::uint64_t seed = 42) {
  NautilusSettings settings;
  settings.n_live = 200;
  settings.n_eff = 500;
  settings.n_batch = 100;
  settings.seed = seed;
  return settings;
}

void expect_exact_batches(const SamplerResult& result, std::size_t n_batch) {
  EXPECT_EQ(result.counters.largest_batch, n_batch);
  EXPECT_EQ(result.counters.likelihood_evals, result.counters.likelihood_calls * n_batch);
}

struct EvidenceCase {
  const char* model;
  int dim;
  std::uint64_t seed;
};

class NautilusAnalyticEvidence : public ::testing::TestWithParam<EvidenceCase> {};

TEST_P(NautilusAnalyticEvidence, LogZIsWithinThreeReportedSigmaOfTheClosedForm) {
  const auto [model, dim, seed] = GetParam();
  std::unique_ptr<Likelihood> likelihood;
  if (std::string(model) == "gaussian") likelihood = std::make_unique<GaussianLikelihood<double>>(dim);
  else likelihood = std::make_unique<MixtureLikelihood<double>>(dim);
  NautilusSettings settings = cell_settings(seed);
  // Exploration points are drawn while the bounds adapt to them, which biases
  // log Z by about 2 sigma at n_live 200 (the nautilus package shows the same
  // on these cells); discarding them is what nautilus recommends for an
  // unbiased evidence.
  settings.discard_exploration = true;
  const SamplerResult result = NautilusSampler(*likelihood, settings).run();
  const double reference = *likelihood->reference_log_evidence();
  EXPECT_EQ(result.stopped_by, "termination");
  EXPECT_GT(result.log_evidence_error, 0.0);
  EXPECT_LT(std::abs(result.log_evidence - reference), 3 * result.log_evidence_error)
      << model << " d" << dim << ": " << result.log_evidence << " +- " << result.log_evidence_error
      << " vs " << reference << " (" << result.counters.likelihood_evals << " evals)";
  EXPECT_GE(result.diagnostics.at("n_eff"), settings.n_eff);
  expect_exact_batches(result, settings.n_batch);
}

INSTANTIATE_TEST_SUITE_P(Nautilus, NautilusAnalyticEvidence,
                         ::testing::Values(EvidenceCase{"gaussian", 2, 1}, EvidenceCase{"gaussian", 5, 1},
                                           EvidenceCase{"gaussian", 10, 1}, EvidenceCase{"mixture", 2, 1},
                                           EvidenceCase{"mixture", 5, 1}));

// nautilus's own accuracy test: a 2-D Gaussian of covariance 0.01 I in the
// unit square (here [-0.5, 0.5]^2, centred), n_live 500, f_live 0.1.
TEST(NautilusSampler, RecoversTheGaussianEvidenceMeanAndCovariance) {
  const double variance = 0.01;
  testing::FunctionLikelihood gaussian(
      2,
      [&](std::span<const double> x) {
        return -0.5 * (x[0] * x[0] + x[1] * x[1]) / variance - std::log(2 * M_PI * variance);
      },
      0, 0.5);
  const double in_box = 1.0 - 2.0 * standard_normal_cdf(-0.5 / std::sqrt(variance));
  const double reference = 2.0 * std::log(in_box);  // prior density 1 on the box
  NautilusSettings settings;
  settings.n_live = 500;
  settings.f_live = 0.1;
  settings.seed = 0;
  const SamplerResult result = NautilusSampler(gaussian, settings).run();
  EXPECT_EQ(result.stopped_by, "termination");
  EXPECT_LT(std::abs(result.log_evidence - reference), 0.05) << result.log_evidence;
  for (int i = 0; i < 2; ++i) {
    EXPECT_NEAR(result.summary.mean[i], 0.0, 0.01);
    for (int j = 0; j < 2; ++j)
      EXPECT_NEAR(result.summary.covariance[i * 2 + j], i == j ? variance : 0.0, 0.001);
  }
  EXPECT_GT(result.summary.effective_sample_size, 5000);
}

TEST(NautilusSampler, EveryLikelihoodCallHasExactlyNBatchPoints) {
  GaussianLikelihood<double> likelihood(3);
  for (std::size_t n_batch : {1, 37, 250}) {
    NautilusSettings settings = cell_settings(5);
    settings.n_live = 60;
    settings.n_eff = 200;
    settings.n_batch = n_batch;
    settings.max_evals = n_batch == 1 ? 500 : 3000;
    SCOPED_TRACE("n_batch " + std::to_string(n_batch));
    const SamplerResult result = NautilusSampler(likelihood, settings).run();
    expect_exact_batches(result, n_batch);
    // The budget is checked between batches, so it overshoots by less than one.
    EXPECT_LT(result.counters.likelihood_evals, settings.max_evals + n_batch);
  }
}

TEST(NautilusSampler, PeakMemoryIsNBatchTimesBytesPerReplica) {
  MappingLikelihood<double> likelihood("ci");
  const std::size_t fixed = host_memory_meter().current_bytes();
  for (std::size_t n_batch : {1, 4, 16}) {
    NautilusSettings settings = cell_settings(3);
    settings.n_live = 40;
    settings.n_batch = n_batch;
    settings.max_evals = 300;
    host_memory_meter().reset_peak();
    const SamplerResult result = NautilusSampler(likelihood, settings).run();
    EXPECT_EQ(result.stopped_by, "max_evals");
    expect_exact_batches(result, n_batch);
    // Not a tolerance: the workspace is the only per-evaluation memory.
    EXPECT_EQ(host_memory_meter().peak_bytes() - fixed, n_batch * likelihood.bytes_per_replica())
        << "n_batch " << n_batch;
  }
}

NautilusSettings small_settings(std::uint64_t seed) {
  NautilusSettings settings = cell_settings(seed);
  settings.n_live = 100;
  settings.n_eff = 200;
  return settings;
}

TEST(NautilusSampler, SameSeedSameResultOtherSeedOtherResult) {
  MixtureLikelihood<double> likelihood(2);
  set_default_threads(1);
  const SamplerResult a = NautilusSampler(likelihood, small_settings(9)).run();
  set_default_threads(3);  // networks train side by side: must not matter
  const SamplerResult b = NautilusSampler(likelihood, small_settings(9)).run();
  set_default_threads(0);
  testing::expect_same_results(a, b);
  const SamplerResult c = NautilusSampler(likelihood, small_settings(10)).run();
  EXPECT_NE(a.log_evidence, c.log_evidence);
  EXPECT_NE(a.posterior.points, c.posterior.points);
}

TEST(NautilusSampler, SteppingByHandGivesNestedBoundsAndTheRunsResult) {
  // nautilus's nesting check: on a simple problem every point of shell i
  // lies inside bounds 0..i, and by construction in no later bound.
  GaussianLikelihood<double> likelihood(2);
  const NautilusSettings settings = cell_settings(4);
  NautilusSampler sampler(likelihood, settings);
  BatchEvaluator evaluator(likelihood);
  NautilusState state = sampler.initialise(evaluator);
  while (!sampler.finished(state)) sampler.step(state, evaluator);
  state.counters = evaluator.counters();
  ASSERT_GT(state.bounds.size(), 3u);
  for (std::size_t i = 0; i < state.shells.size(); ++i) {
    const auto points = as_point_matrix(state.shells[i].points, 2);
    for (std::size_t k = 0; k < state.bounds.size(); ++k) {
      const std::vector<char> inside = state.bounds[k].contains(points);
      const auto count = std::count(inside.begin(), inside.end(), 1);
      EXPECT_EQ(count, k <= i ? points.cols() : 0) << "shell " << i << ", bound " << k;
    }
  }
  const SamplerResult stepped = sampler.finish(state, "termination");
  const SamplerResult ran = NautilusSampler(likelihood, settings).run();
  EXPECT_EQ(stepped.log_evidence, ran.log_evidence);
  EXPECT_EQ(stepped.posterior.weights, ran.posterior.weights);
}

TEST(NautilusSampler, DiscardingExplorationKeepsOnlySamplingPhasePoints) {
  GaussianLikelihood<double> likelihood(2);
  NautilusSettings settings = cell_settings(6);
  settings.discard_exploration = true;
  const SamplerResult result = NautilusSampler(likelihood, settings).run();
  EXPECT_EQ(result.diagnostics.at("discard_exploration"), 1.0);
  EXPECT_EQ(result.posterior.count(), result.diagnostics.at("sampling_evals"));
  EXPECT_GT(result.diagnostics.at("sampling_evals"), 0.0);
  EXPECT_LT(std::abs(result.log_evidence - *likelihood.reference_log_evidence()),
            3 * result.log_evidence_error);
}

TEST(NautilusSettings, BadValuesAreRefusedWithTheirName) {
  auto refused = [](const Likelihood& likelihood, auto mutate, const char* word) {
    NautilusSettings settings = cell_settings();
    mutate(settings);
    try {
      NautilusSampler sampler(likelihood, settings);
      ADD_FAILURE() << "accepted bad " << word;
    } catch (const UsageError& error) {
      EXPECT_NE(std::string(error.what()).find(word), std::string::npos) << error.what();
    }
  };
  testing::FunctionLikelihood one_dim(1, [](std::span<const double>) { return 0.0; });
  GaussianLikelihood<double> two_dim(2);
  refused(one_dim, [](NautilusSettings&) {}, "dim");
  refused(two_dim, [](NautilusSettings& s) { s.n_batch = 0; }, "n_batch");
  refused(two_dim, [](NautilusSettings& s) { s.n_live = 2; }, "n_live");
  refused(two_dim, [](NautilusSettings& s) { s.f_live = 0; }, "f_live");
  refused(two_dim, [](NautilusSettings& s) { s.enlarge_per_dim = 0.9; }, "enlarge_per_dim");
  refused(two_dim, [](NautilusSettings& s) { s.n_eff = -1; }, "n_eff");
  EXPECT_NO_THROW(NautilusSampler(two_dim, [] {
    NautilusSettings s = cell_settings();
    s.n_live = 3;  // dim + 1 is the least that bounds can work with
    return s;
  }()));
}

TEST(NautilusSampler, ConstantLikelihoodEndsExplorationWithThatEvidence) {
  // No bound can be built (nothing lies below the threshold), so exploration
  // draws from the cube until n_live / N <= f_live.
  testing::FunctionLikelihood constant(3, [](std::span<const double>) { return -1.5; });
  NautilusSettings settings = cell_settings();
  settings.n_live = 50;
  settings.n_batch = 50;
  const SamplerResult result = NautilusSampler(constant, settings).run();
  EXPECT_EQ(result.stopped_by, "termination");
  EXPECT_NEAR(result.log_evidence, -1.5, 1e-12);
  EXPECT_LE(result.counters.likelihood_evals, settings.n_live / settings.f_live + settings.n_batch);
  EXPECT_EQ(result.diagnostics.at("shells"), 1.0);
  EXPECT_GT(result.diagnostics.at("bounds_not_built_plateau"), 0.0);
}

TEST(NautilusSampler, EverywhereMinusInfinityFailsClearlyOrStopsAtItsBudget) {
  testing::FunctionLikelihood nothing(2, [](std::span<const double>) { return -INFINITY; });
  NautilusSettings settings = cell_settings();
  settings.n_live = 20;
  settings.n_batch = 50;
  try {
    NautilusSampler(nothing, settings).run();
    ADD_FAILURE() << "a likelihood that is -inf everywhere must not look like a result";
  } catch (const RunError& error) {
    EXPECT_NE(std::string(error.what()).find("-inf"), std::string::npos) << error.what();
  }
  settings.max_evals = 500;
  const SamplerResult budgeted = NautilusSampler(nothing, settings).run();
  EXPECT_EQ(budgeted.stopped_by, "max_evals");
  EXPECT_EQ(budgeted.log_evidence, -INFINITY);
}

TEST(NautilusSampler, MinusInfinityAlmostEverywhereStillFindsTheFiniteIsland) {
  // A Gaussian (sigma 0.1) cut to a disk of radius 0.3 in [-1, 1]^2, -inf
  // elsewhere: 93% of the cube draws are -inf. Z = (1/4) 2 pi sigma^2 (1 - e^-4.5).
  const double sigma = 0.1, radius = 0.3;
  testing::FunctionLikelihood island(2, [&](std::span<const double> x) {
    const double r2 = x[0] * x[0] + x[1] * x[1];
    return r2 < radius * radius ? -0.5 * r2 / (sigma * sigma) : -INFINITY;
  });
  const double reference =
      std::log(0.25 * 2 * M_PI * sigma * sigma * (1 - std::exp(-0.5 * radius * radius / (sigma * sigma))));
  NautilusSettings settings = cell_settings(2);
  settings.discard_exploration = true;
  const SamplerResult result = NautilusSampler(island, settings).run();
  EXPECT_EQ(result.stopped_by, "termination");
  EXPECT_LT(std::abs(result.log_evidence - reference), 3 * result.log_evidence_error)
      << result.log_evidence << " +- " << result.log_evidence_error << " vs " << reference;
  EXPECT_GT(result.counters.likelihood_evals, 0u);
  expect_exact_batches(result, settings.n_batch);
}

TEST(NautilusSampler, NanValuesAreMinusInfinityAndCounted) {
  // NaN for x0 > 0.5 (5 sigma from the peak): the evidence is unchanged.
  testing::FunctionLikelihood sometimes_nan(2, [](std::span<const double> x) {
    return x[0] > 0.5 ? std::nan("") : -0.5 * (x[0] * x[0] + x[1] * x[1]) / 0.01 - std::log(2 * M_PI * 0.01);
  });
  NautilusSettings settings = cell_settings(3);
  settings.discard_exploration = true;
  const SamplerResult result = NautilusSampler(sometimes_nan, settings).run();
  EXPECT_EQ(result.stopped_by, "termination");
  EXPECT_GT(result.counters.non_finite_log_likelihoods, 0u);
  for (double v : result.posterior.log_l) EXPECT_FALSE(std::isnan(v));
  EXPECT_LT(std::abs(result.log_evidence - std::log(0.25)), 3 * result.log_evidence_error);
}

}  // namespace
}  // namespace nslab
