// ThreadPool: a fixed set of task threads fed from one queue. Task threads never call MPI.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace dataflow::exec {

class ThreadPool {
 public:
  explicit ThreadPool(int threads);
  ~ThreadPool();  // finishes queued work, then joins
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // Thread-safe. `work` must not throw.
  void submit(std::function<void()> work);
  // Blocks until the queue is empty and no work is running.
  void wait_idle();
  int threads() const { return static_cast<int>(threads_.size()); }
  // The calling thread's index in its pool (0-based); -1 on a thread of no pool.
  static int current_slot();

 private:
  void run(int slot);

  std::mutex mu_;
  std::condition_variable work_cv_;
  std::condition_variable idle_cv_;
  std::deque<std::function<void()>> queue_;
  int busy_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace dataflow::exec
