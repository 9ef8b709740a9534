// docs/nss.md, "Chunking": results must not depend on chunk_size. On the GPU that holds only if
// every point's arithmetic is the same whatever batch it travels in, which is
// what this checks end to end, through the sampler.
#include "gpu_test_support.hpp"
#include "samplers/nss/nss_sampler.hpp"

namespace nslab {
namespace {

void expect_same_results(const SamplerResult& a, const SamplerResult& b, std::size_t k) {
  EXPECT_EQ(a.log_evidence, b.log_evidence) << "chunk_size " << k;
  EXPECT_EQ(a.log_evidence_error, b.log_evidence_error) << "chunk_size " << k;
  EXPECT_EQ(a.max_log_likelihood, b.max_log_likelihood) << "chunk_size " << k;
  EXPECT_EQ(a.posterior.points, b.posterior.points) << "chunk_size " << k;
  EXPECT_EQ(a.posterior.log_l, b.posterior.log_l) << "chunk_size " << k;
  EXPECT_EQ(a.posterior.weights, b.posterior.weights) << "chunk_size " << k;
  EXPECT_EQ(a.stopped_by, b.stopped_by) << "chunk_size " << k;
  // max_evals stops a run before the call that would pass it, so a budget
  // cut leaves the same last whole step whatever the chunk size, but how
  // many evaluations of the step it abandons ran depends on it.
  if (a.stopped_by == "termination")
    EXPECT_EQ(a.counters.likelihood_evals, b.counters.likelihood_evals) << "chunk_size " << k;
}

struct ChunkCase {
  const char* model;
  const char* size;
  std::size_t n_live;
  std::size_t max_evals;  // keeps chunk_size 1 (one launch per point) to seconds
};

class CudaNssChunkSize : public ::testing::TestWithParam<ChunkCase> {};

TEST_P(CudaNssChunkSize, ResultsAreBitIdenticalAcrossChunkSizes) {
  NSLAB_SKIP_WITHOUT_CUDA_DEVICE();
  const ChunkCase c = GetParam();
  const auto likelihood = gpu_test::make_cuda(c.model, c.size, Precision::kFp64);
  NssSettings settings;
  settings.n_live = c.n_live;
  settings.num_delete = 25;
  settings.num_inner_steps = std::max<std::size_t>(5, 2 * likelihood->dim());
  settings.max_evals = c.max_evals;
  settings.seed = 11;
  settings.chunk_size = 0;  // everything in flight at once
  const SamplerResult reference = NssSampler(*likelihood, settings).run();
  EXPECT_GT(reference.counters.likelihood_evals, settings.n_live) << "the run must reach the inner chains";
  for (std::size_t k : {1, 7, 25}) {
    settings.chunk_size = k;
    const SamplerResult chunked = NssSampler(*likelihood, settings).run();
    EXPECT_LE(chunked.counters.largest_batch, k);
    EXPECT_LE(chunked.counters.likelihood_evals, settings.max_evals);
    expect_same_results(chunked, reference, k);
  }
}

INSTANTIATE_TEST_SUITE_P(Likelihoods, CudaNssChunkSize,
                         ::testing::Values(ChunkCase{"gaussian", "d5", 100, 8000},
                                           ChunkCase{"mixture", "d5", 100, 8000},
                                           ChunkCase{"mapping", "ci", 60, 2500}),
                         [](const auto& info) {
                           return std::string(info.param.model) + "_" + info.param.size;
                         });

}  // namespace
}  // namespace nslab
