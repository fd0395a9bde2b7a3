// LocalBackend: local mode. The driver runs tasks on its own thread pool, through the same
// encoded descriptors and reports as an executor would.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>

#include "driver/backend.hpp"
#include "exec/task_runner.hpp"
#include "exec/thread_pool.hpp"
#include "shuffle/block_store.hpp"

namespace dataflow::driver {

class LocalBackend : public Backend {
 public:
  LocalBackend(const exec::TaskRunner& runner, shuffle::BlockStore& store, int threads)
      : runner_(runner), store_(store), pool_(threads) {}

  void begin_job(std::uint64_t, std::uint64_t, const std::string&) override {}
  int executors() const override { return 1; }
  int slots(int) const override { return pool_.threads(); }
  int executor_of_rank(int) const override { return 0; }
  int rank_of_executor(int) const override { return 0; }
  void launch(int executor, const task::Descriptor& d) override;
  std::optional<task::TaskReport> wait_report(std::chrono::milliseconds timeout) override;
  std::vector<task::ExchangeDone> exchange(const task::ExchangeOrder& order) override;
  std::vector<task::ResumeDone> resume(const task::ResumeOrder& order) override;
  const detail::MemoryPool* local_pool() const override { return store_.memory().pool; }
  void end_job(const task::JobEnd& end) override;
  void end_program(std::uint64_t) override {}
  std::chrono::steady_clock::duration silent_for(int) const override { return {}; }
  bool shutdown(int, std::chrono::milliseconds) override { return true; }

 private:
  const exec::TaskRunner& runner_;
  shuffle::BlockStore& store_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> reports_;
  exec::ThreadPool pool_;  // last: its threads stop before the members they use go
};

}  // namespace dataflow::driver
