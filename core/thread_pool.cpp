#include "core/thread_pool.hpp"

#include <sched.h>

#include <algorithm>
#include <exception>
#include <memory>

namespace nslab {

namespace {
// The pool whose worker this thread is (none for other threads), and its slot there.
thread_local const ThreadPool* pool_of_this_thread = nullptr;
thread_local std::size_t slot_of_this_thread = 0;
}  // namespace

std::size_t ThreadPool::current_slot() const { return pool_of_this_thread == this ? slot_of_this_thread : 0; }

ThreadPool::ThreadPool(std::size_t threads) {
  for (std::size_t i = 1; i < threads; ++i)
    workers_.emplace_back([this, i] {
      pool_of_this_thread = this;
      slot_of_this_thread = i;
      work_loop();
    });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& worker : workers_) worker.join();
}

void ThreadPool::run_items() {
  std::unique_lock lock(mutex_);
  while (next_ < count_) {
    const std::size_t i = next_++;
    lock.unlock();
    try {
      (*body_)(i);
    } catch (...) {
      lock.lock();
      if (!error_) error_ = std::current_exception();
      next_ = count_;  // abandon the rest of the batch
      continue;
    }
    lock.lock();
  }
}

void ThreadPool::work_loop() {
  std::size_t seen_generation = 0;
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || generation_ != seen_generation; });
    if (stopping_) return;
    seen_generation = generation_;
    ++busy_;
    lock.unlock();
    run_items();
    lock.lock();
    --busy_;
    done_.notify_all();
  }
}

void ThreadPool::parallel_for(std::size_t count, const std::function<void(std::size_t)>& body) {
  if (count == 0) return;
  if (workers_.empty() || count == 1) {
    for (std::size_t i = 0; i < count; ++i) body(i);
    return;
  }
  {
    std::lock_guard lock(mutex_);
    body_ = &body;
    count_ = count;
    next_ = 0;
    error_ = nullptr;
    ++generation_;
  }
  wake_.notify_all();
  run_items();
  std::unique_lock lock(mutex_);
  // Wait for the items and for every worker to leave run_items, so no worker
  // still reads body_ after this call returns.
  done_.wait(lock, [&] { return next_ >= count_ && busy_ == 0; });
  body_ = nullptr;
  if (error_) std::rethrow_exception(error_);
}

namespace {
std::unique_ptr<ThreadPool>& pool_slot() {
  static std::unique_ptr<ThreadPool> pool;
  return pool;
}
}  // namespace

std::size_t hardware_threads() {
  cpu_set_t cpus;
  CPU_ZERO(&cpus);
  if (sched_getaffinity(0, sizeof(cpus), &cpus) == 0 && CPU_COUNT(&cpus) > 0)
    return static_cast<std::size_t>(CPU_COUNT(&cpus));
  return std::max<std::size_t>(1, std::thread::hardware_concurrency());
}

std::size_t set_default_threads(std::size_t threads) {
  threads = threads == 0 ? hardware_threads() : std::min(threads, hardware_threads());
  auto& pool = pool_slot();
  if (!pool || pool->size() != threads) pool = std::make_unique<ThreadPool>(threads);
  return threads;
}

ThreadPool& default_thread_pool() {
  auto& pool = pool_slot();
  if (!pool) set_default_threads(0);
  return *pool;
}

}  // namespace nslab
