// nslab's BLAS wrappers called from two threads at once must give what the
// same calls give one at a time, bit for bit: the thread pool runs every
// batch's points, with their factorisations, concurrently
// (likelihoods/lens/blas_runtime.hpp). With Debian's single-threaded
// OpenBLAS and the CallGuard's lock disabled, this test found 214 and 168
// wrong results of its 20,000 calls per thread (one run).
#include "likelihoods/lens/blas_runtime.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <iostream>
#include <random>
#include <thread>
#include <vector>

#include "likelihoods/lens/blas_lapack.hpp"

namespace nslab {
namespace {

// Small calls, many of them: OpenBLAS takes its work buffer at the start of
// each call, so many short calls are many chances for two threads to meet.
constexpr std::size_t kN = 48, kRows = 256, kCalls = 20000;

struct Problem {
  std::vector<float> a;          // kRows x kN
  std::vector<double> spd;       // kN x kN, positive definite
  std::vector<float> gram;       // a^T a, lower triangle, one call at a time
  std::vector<double> factor;    // the Cholesky factor of spd, one call at a time
};

Problem make_problem(unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  Problem p;
  p.a.resize(kRows * kN);
  for (float& x : p.a) x = normal(rng);
  p.gram.assign(kN * kN, 0.0f);
  blas::gram_lower(true, kN, kRows, p.a.data(), kRows, p.gram.data(), kN);
  p.spd.resize(kN * kN);
  for (std::size_t i = 0; i < p.spd.size(); ++i) p.spd[i] = p.gram[i] + (i % (kN + 1) == 0 ? 1.0 : 0.0);
  p.factor = p.spd;
  EXPECT_TRUE(blas::cholesky_lower(p.factor.data(), kN, kN));
  return p;
}

TEST(BlasRuntime, ConcurrentCallsGiveTheSerialResults) {
  const Problem problems[2] = {make_problem(1), make_problem(2)};
  std::size_t wrong[2] = {0, 0};
  std::thread threads[2];
  for (int t = 0; t < 2; ++t)
    threads[t] = std::thread([&, t] {
      const Problem& p = problems[t];
      std::vector<float> gram(kN * kN);
      std::vector<double> factor(kN * kN);
      for (std::size_t call = 0; call < kCalls; ++call) {
        if (call % 2 == 0) {
          std::fill(gram.begin(), gram.end(), 0.0f);
          blas::gram_lower(true, kN, kRows, p.a.data(), kRows, gram.data(), kN);
          wrong[t] += std::memcmp(gram.data(), p.gram.data(), gram.size() * sizeof(float)) != 0;
        } else {
          factor = p.spd;
          const bool ok = blas::cholesky_lower(factor.data(), kN, kN);
          wrong[t] += !ok || std::memcmp(factor.data(), p.factor.data(), factor.size() * sizeof(double)) != 0;
        }
      }
    });
  for (std::thread& thread : threads) thread.join();
  std::cout << "[ measured ] BLAS: " << blas::runtime().description
            << (blas::runtime().serialised ? " (calls serialised)" : "") << "\n";
  EXPECT_EQ(wrong[0], 0u) << "of " << kCalls << " calls on thread 0";
  EXPECT_EQ(wrong[1], 0u) << "of " << kCalls << " calls on thread 1";
}

}  // namespace
}  // namespace nslab
