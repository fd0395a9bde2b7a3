// JobEvents: one job's events in the event log (DataflowJobStart, DataflowStageSubmitted,
// DataflowTaskEnd per attempt, DataflowStageCompleted, DataflowJobEnd), with the launch
// times and task durations they need. Without a log every call returns at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "dag/graph.hpp"
#include "driver/resolve_inputs.hpp"
#include "plan/stage.hpp"
#include "task/messages.hpp"

namespace dataflow::driver {

class Backend;
class EventLog;

// An accumulator's name and value as the log shows them (Spark's "Accumulables").
using Accumulables = std::vector<std::pair<std::string, std::string>>;

class JobEvents {
 public:
  // `sample_every`: how often the driver samples itself and logs the executors' samples.
  JobEvents(EventLog* log, std::uint64_t job, std::chrono::milliseconds sample_every)
      : log_(log), job_(job), sample_every_(sample_every) {}

  // After planning: the stages the job runs, and its plan as explain() prints it.
  void job_start(const dag::Graph& graph, const plan::Plan& plan, const Resolved& resolved, const char* action);
  // `buckets`: the reduce partitions of its shuffle output (0 for a result stage).
  void stage_submitted(const plan::Stage& s, std::uint32_t tasks, std::uint32_t buckets);
  // When the descriptor of the current stage's task `partition` is sent.
  void task_launched(std::uint32_t partition);
  // Each report of an attempt of the current stage, successful or failed.
  void task_end(const task::TaskReport& r);
  // The current stage's end; `failure`: why it failed (nothing if it was not submitted).
  void stage_completed(const plan::Stage& s, const std::string& failure = {});
  // DataflowExchange: one shuffle's exchange, begun at `start_ms`, with each executor's figures.
  void exchange(const task::ExchangeOrder& order, std::int64_t start_ms, const std::vector<task::ExchangeDone>& done,
                const Backend& backend);
  // While the driver waits: the executors' samples that arrived, and its own every
  // `sample_every` (DataflowRankSample).
  void sample(Backend& backend);
  // A failed job (nothing if job_start() was not reached); a successful one ends with
  // job_succeeded() once its accumulators are applied.
  void job_failed(const std::string& error, int exit_code);
  static void job_succeeded(EventLog* log, std::uint64_t job, const Accumulables& accumulables);

 private:
  bool on() const;

  EventLog* log_;
  std::uint64_t job_;
  bool started_ = false;        // DataflowJobStart written
  bool shuffle_stage_ = false;  // the current stage writes a shuffle
  bool stage_open_ = false;     // submitted, not yet completed
  std::int64_t stage_submitted_ms_ = 0;
  std::uint32_t stage_tasks_ = 0;
  std::vector<std::int64_t> launched_ms_;  // by partition, current stage
  std::vector<std::uint64_t> run_ms_;      // successful attempts' run times, current stage
  std::uint32_t failed_ = 0;               // failed attempts, current stage
  // Current stage's shuffle output: bytes per reduce partition over its successful tasks.
  std::vector<std::uint64_t> partition_bytes_;
  std::map<int, std::uint32_t> map_stage_;  // shuffle node -> the stage that writes it
  std::chrono::milliseconds sample_every_;
  std::chrono::steady_clock::time_point last_sample_{};
};

}  // namespace dataflow::driver
