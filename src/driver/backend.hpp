// Backend: how the driver reaches its executors. LocalBackend runs tasks on threads of the
// driver's own process; MpiBackend sends descriptors to executor ranks. The scheduler is
// the same for both.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "dataflow/detail/spill.hpp"
#include "task/descriptor.hpp"
#include "task/messages.hpp"

namespace dataflow::driver {

// A job that cannot end in the ordinary way: ranks out of step (a rank finished the program
// while the driver started a job, or ranks started different jobs), a rank that stopped
// responding, a task that ran past its timeout, a signal. The engine ends every rank at once
// with exit_code().
class Unrecoverable : public std::runtime_error {
 public:
  explicit Unrecoverable(const std::string& what, int exit_code = 70, bool rank_lost = false)
      : std::runtime_error(what), exit_code_(exit_code), rank_lost_(rank_lost) {}
  int exit_code() const { return exit_code_; }
  // A rank no longer answers: waiting for it to acknowledge a shutdown is pointless.
  bool rank_lost() const { return rank_lost_; }

 private:
  int exit_code_;
  bool rank_lost_;
};

// Appended to every message about ranks that fell out of step.
inline constexpr const char* kSpmdHint =
    "every rank must call the same actions in the same order: do not call actions inside if (is_driver())";

class Backend {
 public:
  virtual ~Backend() = default;
  // Starts job `job` of action `action`: waits until every executor has entered a job.
  // Error if an executor's plan fingerprint differs from `fingerprint` (the program diverged
  // on that rank); Unrecoverable if an executor finished the program or entered another job.
  virtual void begin_job(std::uint64_t job, std::uint64_t fingerprint, const std::string& action) = 0;
  virtual int executors() const = 0;
  virtual int slots(int executor) const = 0;  // task threads of an executor
  virtual int executor_of_rank(int rank) const = 0;
  virtual int rank_of_executor(int executor) const = 0;
  // Non-blocking: starts the task on the executor.
  virtual void launch(int executor, const task::Descriptor& d) = 0;
  // Blocks, without spinning, until some launched task reports or `timeout` passes.
  virtual std::optional<task::TaskReport> wait_report(std::chrono::milliseconds timeout) = 0;
  // How long executor `executor` has sent nothing (reports, heartbeats) during this job.
  virtual std::chrono::steady_clock::duration silent_for(int executor) const = 0;
  // Moves the shuffle's buckets to the owners of their reduce partitions; returns when all
  // executors are done, with each executor's figures (by executor).
  virtual std::vector<task::ExchangeDone> exchange(const task::ExchangeOrder& order) = 0;
  // --resume-dir: every executor stores its reduce partitions of the order's shuffle, or
  // loads those the order gives it; returns each executor's answer (by executor), failed
  // ones included (the caller decides: a store that failed is a warning, a load an error).
  virtual std::vector<task::ResumeDone> resume(const task::ResumeOrder& order) = 0;
  // The rank samples that arrived with heartbeats since the last call: (rank, sample).
  virtual std::vector<std::pair<int, task::RankSample>> take_samples() { return {}; }
  // The memory pool of the driver's own process when it runs tasks (local mode), else null.
  virtual const detail::MemoryPool* local_pool() const { return nullptr; }
  // Ends the job on every executor with the result or the error; returns once every
  // executor has finished its running tasks.
  virtual void end_job(const task::JobEnd& end) = 0;

  // At the end of the driver's program, after `jobs` jobs: waits until every executor has
  // finished its program too, then lets them finish. Unrecoverable if one starts a job.
  virtual void end_program(std::uint64_t jobs) = 0;
  // Tells every executor to end its process with `exit_code`; true once all have
  // acknowledged, false if some did not within `timeout` (they may be stuck in user code).
  virtual bool shutdown(int exit_code, std::chrono::milliseconds timeout) = 0;
};

}  // namespace dataflow::driver
