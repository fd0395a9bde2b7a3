// ExecutorLoop: an executor rank's side of one job. The main thread talks to the driver
// (the only thread calling MPI); task threads run the descriptors it receives.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "exec/task_runner.hpp"
#include "exec/thread_pool.hpp"
#include "net/world.hpp"
#include "shuffle/block_store.hpp"
#include "task/messages.hpp"

namespace dataflow::exec {

class ExecutorLoop {
 public:
  ExecutorLoop(net::World& world, const TaskRunner& runner, shuffle::BlockStore& store, ThreadPool& pool)
      : world_(world), runner_(runner), store_(store), pool_(pool) {}

  // Serves the driver until it ends job `job` (of the action named `action`); returns how it
  // ended. `fingerprint` is this rank's plan fingerprint, checked against every descriptor.
  // Ends the process if the driver shuts the program down (the ranks fell out of step).
  // Sends the driver a heartbeat every `heartbeat` while it serves the job; with `samples`
  // each carries a task::RankSample (for the event log).
  task::JobEnd run(std::uint64_t job, std::uint64_t fingerprint, const std::string& action,
                   std::chrono::milliseconds heartbeat, bool samples = false);

 private:
  net::World& world_;
  const TaskRunner& runner_;
  shuffle::BlockStore& store_;
  ThreadPool& pool_;
};

}  // namespace dataflow::exec
