#include "core/thread_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>

namespace nslab {
namespace {

TEST(ThreadPool, RunsEveryItemOnceAndPropagatesErrors) {
  ThreadPool pool(3);
  for (int round = 0; round < 50; ++round) {
    std::vector<std::atomic<int>> hits(97);
    pool.parallel_for(hits.size(), [&](std::size_t i) { hits[i]++; });
    for (auto& h : hits) ASSERT_EQ(h.load(), 1);
  }
  EXPECT_THROW(pool.parallel_for(10, [](std::size_t i) {
    if (i == 5) throw std::runtime_error("boom");
  }), std::runtime_error);
  std::atomic<int> after{0};
  pool.parallel_for(10, [&](std::size_t) { after++; });
  EXPECT_EQ(after.load(), 10);
}

}  // namespace
}  // namespace nslab
