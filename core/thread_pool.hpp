#pragma once
// A fixed pool of worker threads for parallel_for over the points of a batch.
// Work items are independent and write to their own outputs, so the result
// never depends on the number of threads or on which thread ran what.
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace nslab {

class ThreadPool {
 public:
  explicit ThreadPool(std::size_t threads);
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;
  ~ThreadPool();

  std::size_t size() const { return workers_.size() + 1; }
  // Calls body(i) for i in [0, count), the calling thread helping; returns
  // when all are done. The first exception thrown by a body is rethrown.
  void parallel_for(std::size_t count, const std::function<void(std::size_t)>& body);
  // Which of this pool's threads runs the calling code: 1 .. size() - 1 for
  // its workers, 0 for any other thread (the caller of parallel_for, which
  // helps). The threads running one parallel_for's items have distinct
  // slots, so an item may use per-slot memory (a batch's replica regions,
  // reused from item to item so that they stay in cache).
  std::size_t current_slot() const;

 private:
  void work_loop();
  void run_items();

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  const std::function<void(std::size_t)>* body_ = nullptr;
  std::size_t count_ = 0, next_ = 0, generation_ = 0, busy_ = 0;
  std::exception_ptr error_;
  bool stopping_ = false;
};

// The CPUs this process may run on (its affinity mask: taskset, cgroup
// cpusets), at least 1.
std::size_t hardware_threads();

// The pool likelihood batches run on. set_default_threads(0) sizes it to
// hardware_threads(); a larger request is capped there (more threads than
// CPUs only contend, and a slip like threads=100000 would exhaust the host's
// process table). Returns the size used, so a caller can say it capped.
ThreadPool& default_thread_pool();
std::size_t set_default_threads(std::size_t threads);

}  // namespace nslab
