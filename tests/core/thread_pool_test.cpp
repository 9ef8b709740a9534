#include "core/thread_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <vector>

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

// Items running at the same time have distinct slots in [0, size()): what
// lets a batch reuse one replica region per thread.
TEST(ThreadPool, ItemsRunningTogetherHaveDistinctSlots) {
  ThreadPool pool(3);
  EXPECT_EQ(pool.current_slot(), 0u);  // this thread is no pool's worker
  std::vector<std::atomic<int>> in_use(pool.size());
  std::atomic<int> clashes{0}, out_of_range{0};
  std::atomic<std::size_t> slots_seen{0};
  for (int round = 0; round < 20; ++round)
    pool.parallel_for(64, [&](std::size_t) {
      const std::size_t slot = pool.current_slot();
      if (slot >= pool.size()) {
        ++out_of_range;
        return;
      }
      if (in_use[slot].fetch_add(1) != 0) ++clashes;
      slots_seen.fetch_or(std::size_t{1} << slot);
      volatile double x = 0;
      for (int k = 0; k < 20000; ++k) x = x + 1;  // long enough for items to overlap
      in_use[slot].fetch_sub(1);
    });
  EXPECT_EQ(clashes.load(), 0);
  EXPECT_EQ(out_of_range.load(), 0);
  EXPECT_NE(slots_seen.load(), 0u);
  // A worker of another pool is slot 0 here: it can only be a caller.
  ThreadPool other(2), outer(2);
  std::atomic<int> nonzero{0};
  outer.parallel_for(8, [&](std::size_t) {
    if (other.current_slot() != 0) ++nonzero;
  });
  EXPECT_EQ(nonzero.load(), 0);
}

}  // namespace
}  // namespace nslab
