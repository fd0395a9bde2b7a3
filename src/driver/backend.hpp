// Backend: how the driver reaches its executors. LocalBackend runs tasks on threads of the
// driver's own process; MpiBackend sends descriptors to executor ranks. The scheduler is
// the same for both.
#pragma once

#include <cstdint>

#include "task/descriptor.hpp"
#include "task/messages.hpp"

namespace dataflow::driver {

class Backend {
 public:
  virtual ~Backend() = default;
  // Starts a job: waits until every executor has entered it; Error if an executor's plan
  // fingerprint differs from `fingerprint` (the program diverged on that rank).
  virtual void begin_job(std::uint64_t job, std::uint64_t fingerprint) = 0;
  virtual int executors() const = 0;
  virtual int slots(int executor) const = 0;  // task threads of an executor
  virtual int executor_of_rank(int rank) const = 0;
  // Non-blocking: starts the task on the executor.
  virtual void launch(int executor, const task::Descriptor& d) = 0;
  // Blocks, without spinning, until some launched task reports.
  virtual task::TaskReport wait_report() = 0;
  // Moves the shuffle's buckets to the owners of their reduce partitions; returns when all
  // executors are done.
  virtual void exchange(const task::ExchangeOrder& order) = 0;
  // Ends the job on every executor with the result or the error; returns once every
  // executor has finished its running tasks.
  virtual void end_job(const task::JobEnd& end) = 0;
};

}  // namespace dataflow::driver
