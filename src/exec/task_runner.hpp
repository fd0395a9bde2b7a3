// TaskRunner: runs one task attempt from its descriptor on the calling thread and reports
// the outcome as data. The same code runs tasks in local mode and on executors.
#pragma once

#include <string>

#include "dataflow/detail/block_cache.hpp"
#include "exec/fault_injection.hpp"
#include "exec/registry.hpp"
#include "shuffle/block_store.hpp"
#include "task/descriptor.hpp"
#include "task/messages.hpp"

namespace dataflow::exec {

class TaskRunner {
 public:
  TaskRunner(const Registry& registry, shuffle::BlockStore& store, detail::BlockCache& cache, int rank, FaultSpec fault)
      : registry_(registry), store_(store), cache_(cache), rank_(rank), fault_(fault) {}
  // Before an exchange: a range shuffle's map outputs are cut into buckets by the order's bounds.
  void cut_range_outputs(const task::ExchangeOrder& order) const;

  // Thread-safe; never throws: a failure is a report with ok = false.
  task::TaskReport run(const task::Descriptor& d) const noexcept;
  // run(), encoded for the driver. Never throws: running out of memory while encoding the
  // report gives a small report that says so.
  std::string run_encoded(const task::Descriptor& d) const noexcept;

 private:
  void run_or_throw(const task::Descriptor& d, task::TaskReport& report) const;

  const Registry& registry_;
  shuffle::BlockStore& store_;
  detail::BlockCache& cache_;
  int rank_;
  FaultSpec fault_;
};

}  // namespace dataflow::exec
