// The minimum check for every kernel (as in Eigen's CUDA tests): the same
// likelihood on the CPU and the GPU, compared point by point on prior draws.
#include <cmath>

#include "gpu_test_support.hpp"

namespace nslab {
namespace {

using gpu_test::evaluate_in_batches;
using gpu_test::make_cpu;
using gpu_test::make_cuda;
using gpu_test::prior_draws;

struct AgreementCase {
  const char* model;
  const char* size;
  Precision precision;
  std::size_t points;
  // Bound on |cuda - cpu| / max(1, |cpu|). fp64: 1e-12; the two differ only
  // in summation order and library kernels, and two fp64 orderings of the
  // mapping solve (rank update vs GEMM for F) differ by <= 2.2e-16 on these
  // draws on the CPU. fp32: both sides round in float, in different orders;
  // the CPU's fp32-vs-fp64 differences on the same draws are <= 2.9e-7
  // (gaussian), 1.2e-7 (mixture), 6.9e-9 (mapping ci), 1.6e-10 (mapping
  // hst), so the bounds 1e-5 (analytic) and 1e-6 (mapping) leave 30x+ room
  // for the GPU's float rounding while a wrong kernel is far outside them.
  double relative_tolerance;
};

std::string case_name(const ::testing::TestParamInfo<AgreementCase>& info) {
  return std::string(info.param.model) + "_" + info.param.size + "_" +
         to_string(info.param.precision);
}

class CpuCudaAgreement : public ::testing::TestWithParam<AgreementCase> {};

TEST_P(CpuCudaAgreement, LogLikelihoodsAgreePointByPoint) {
  NSLAB_SKIP_WITHOUT_CUDA_DEVICE();
  const AgreementCase c = GetParam();
  const auto cpu = make_cpu(c.model, c.size, c.precision);
  const auto cuda = make_cuda(c.model, c.size, c.precision);
  ASSERT_EQ(cuda->dim(), cpu->dim());
  EXPECT_EQ(cuda->bytes_per_replica(), cpu->bytes_per_replica())
      << "the device version must need exactly the CPU version's per-replica memory";
  EXPECT_EQ(cuda->reference_log_evidence(), cpu->reference_log_evidence());

  std::vector<double> points = prior_draws(*cpu, c.points, 20240611);
  if (std::string(c.model) == "mapping") {
    // At prior draws the Gaussian term on theta dominates log L; near theta0
    // the residual (the linear algebra) carries a fair share of it too.
    const MappingProblem problem = MappingProblem::make(MappingShape::for_instrument(c.size));
    std::mt19937_64 engine(5);
    std::uniform_real_distribution<double> offset(-2.0, 2.0);
    for (std::size_t i = c.points / 2; i < c.points; ++i)
      for (std::size_t k = 0; k < 4; ++k)
        points[i * 4 + k] = problem.truth[k] + problem.truth_width[k] * offset(engine);
  }
  const std::vector<double> expected = evaluate_in_batches(*cpu, points);
  const std::vector<double> actual = evaluate_in_batches(*cuda, points);
  double worst = 0.0;
  for (std::size_t i = 0; i < c.points; ++i) {
    ASSERT_TRUE(std::isfinite(expected[i])) << "point " << i;
    const double relative = std::abs(actual[i] - expected[i]) / std::max(1.0, std::abs(expected[i]));
    worst = std::max(worst, relative);
    EXPECT_LE(relative, c.relative_tolerance)
        << "point " << i << ": cpu " << expected[i] << " cuda " << actual[i];
  }
  RecordProperty("worst_relative_difference", std::to_string(worst));
  std::cout << "[ measured ] " << case_name(::testing::TestParamInfo<AgreementCase>(c, 0)) << ": worst relative difference " << worst
            << " over " << c.points << " points (bound " << c.relative_tolerance << ")\n";
}

// One point's value never depends on its batch (docs/design.md): the same
// points in one batch, one at a time, and in batches of 7 give the same bits.
TEST_P(CpuCudaAgreement, DeviceValuesDoNotDependOnTheBatch) {
  NSLAB_SKIP_WITHOUT_CUDA_DEVICE();
  const AgreementCase c = GetParam();
  const auto cuda = make_cuda(c.model, c.size, c.precision);
  const std::vector<double> points = prior_draws(*cuda, c.points, 7);
  const std::vector<double> together = evaluate_in_batches(*cuda, points);
  EXPECT_EQ(evaluate_in_batches(*cuda, points, 1), together);
  EXPECT_EQ(evaluate_in_batches(*cuda, points, 7), together);
}

INSTANTIATE_TEST_SUITE_P(
    Likelihoods, CpuCudaAgreement,
    ::testing::Values(AgreementCase{"gaussian", "d5", Precision::kFp64, 512, 1e-12},
                      AgreementCase{"gaussian", "d32", Precision::kFp64, 256, 1e-12},
                      AgreementCase{"mixture", "d5", Precision::kFp64, 512, 1e-12},
                      AgreementCase{"mixture", "d16", Precision::kFp64, 256, 1e-12},
                      AgreementCase{"mapping", "ci", Precision::kFp64, 64, 1e-12},
                      AgreementCase{"mapping", "hst", Precision::kFp64, 8, 1e-12},
                      AgreementCase{"gaussian", "d5", Precision::kFp32, 512, 1e-5},
                      AgreementCase{"mixture", "d5", Precision::kFp32, 512, 1e-5},
                      AgreementCase{"mapping", "ci", Precision::kFp32, 64, 1e-6},
                      AgreementCase{"mapping", "hst", Precision::kFp32, 8, 1e-6}),
    case_name);

// Here the CPU-only CI machine runs something: without a device, building a
// device likelihood fails with a message that says so.
TEST(CudaLikelihoodWithoutDevice, ConstructionSaysThereIsNoDevice) {
  std::string reason;
  if (cuda_device_count(&reason) > 0) GTEST_SKIP() << "a CUDA device is present";
  try {
    make_cuda_mapping_likelihood("ci", Precision::kFp64, "test");
    FAIL() << "expected RunError";
  } catch (const RunError& error) {
    EXPECT_NE(std::string(error.what()).find("needs a CUDA device"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace nslab
