// JobEvents: one job's events in the event log (DataflowJobStart, DataflowStageSubmitted,
// DataflowTaskEnd per attempt, DataflowStageCompleted, DataflowJobEnd), with the launch
// times and task durations they need. Without a log every call returns at once.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dag/graph.hpp"
#include "driver/resolve_inputs.hpp"
#include "plan/stage.hpp"
#include "task/messages.hpp"

namespace dataflow::driver {

class EventLog;

class JobEvents {
 public:
  JobEvents(EventLog* log, std::uint64_t job) : log_(log), job_(job) {}

  // After planning: the stages the job runs, and its plan as explain() prints it.
  void job_start(const dag::Graph& graph, const plan::Plan& plan, const Resolved& resolved, const char* action);
  void stage_submitted(const plan::Stage& s, std::uint32_t tasks);
  // When the descriptor of the current stage's task `partition` is sent.
  void task_launched(std::uint32_t partition);
  // Each report of an attempt of the current stage, successful or failed.
  void task_end(const task::TaskReport& r);
  void stage_completed(const plan::Stage& s);
  // ok, or the job's error and exit code (nothing if job_start() was not reached).
  void job_end(bool ok, const std::string& error = {}, int exit_code = 0);

 private:
  bool on() const;

  EventLog* log_;
  std::uint64_t job_;
  bool started_ = false;        // DataflowJobStart written
  bool shuffle_stage_ = false;  // the current stage writes a shuffle
  std::int64_t stage_submitted_ms_ = 0;
  std::uint32_t stage_tasks_ = 0;
  std::vector<std::int64_t> launched_ms_;  // by partition, current stage
  std::vector<std::uint64_t> run_ms_;      // successful attempts' run times, current stage
  std::uint32_t failed_ = 0;               // failed attempts, current stage
};

}  // namespace dataflow::driver
