// TaskRunner: runs one task attempt from its descriptor on the calling thread and reports
// the outcome as data. The same code runs tasks in local mode and on executors.
#pragma once

#include <chrono>

#include <string>

#include "dataflow/config.hpp"
#include "dataflow/detail/block_cache.hpp"
#include "exec/fault_injection.hpp"
#include "exec/registry.hpp"
#include "shuffle/block_store.hpp"
#include "task/descriptor.hpp"
#include "task/messages.hpp"

namespace dataflow::exec {

class TaskRunner {
 public:
  // `config`: the engine's, read as each task starts (--max-result-size).
  TaskRunner(const Registry& registry, shuffle::BlockStore& store, detail::BlockCache& cache, const Config& config,
             int rank, FaultSpec fault)
      : registry_(registry), store_(store), cache_(cache), config_(config), rank_(rank), fault_(fault) {}
  // Before an exchange: a range shuffle's map outputs are cut into buckets by the order's bounds.
  void cut_range_outputs(const task::ExchangeOrder& order) const;

  using Clock = std::chrono::steady_clock;
  // Thread-safe; never throws: a failure is a report with ok = false. `queued`: when the
  // descriptor arrived (its wait before this thread took it is the queue wait).
  task::TaskReport run(const task::Descriptor& d, Clock::time_point queued = {}) const noexcept;
  // run(), encoded for the driver. Never throws: running out of memory while encoding the
  // report gives a small report that says so.
  std::string run_encoded(const task::Descriptor& d, Clock::time_point queued = {}) const noexcept;
  // --check-spmd, on the driver: the hash of the output of task `d` computed here, as an
  // executor reports it for a descriptor with `check` set; nothing is kept and accumulator
  // updates are dropped. Throws what the task throws.
  std::uint64_t output_hash(const task::Descriptor& d) const;

 private:
  // Runs the task into `report`; its map output goes to the block store when `keep`.
  void run_or_throw(const task::Descriptor& d, task::TaskReport& report, bool keep = true) const;

  const Registry& registry_;
  shuffle::BlockStore& store_;
  detail::BlockCache& cache_;
  const Config& config_;
  int rank_;
  FaultSpec fault_;
};

}  // namespace dataflow::exec
