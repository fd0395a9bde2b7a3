// JobEvents: building the job, stage and task events (field names: README, "Event log").
#include "driver/job_events.hpp"

#include <algorithm>

#include "common/json_writer.hpp"
#include "driver/event_log.hpp"
#include "plan/planner.hpp"

namespace dataflow::driver {
namespace {

// "text_file(in.txt) -> flat_map -> map -> write shuffle #3", as explain() names the nodes.
std::string stage_name(const dag::Graph& graph, const plan::Stage& s) {
  std::string name;
  for (const auto* ids : {&s.inputs, &s.chain}) {
    for (int id : *ids) {
      if (!name.empty()) name += " -> ";
      name += graph.node(id).label;
    }
  }
  if (s.output == plan::StageOutput::kShuffle) name += " -> write shuffle #" + std::to_string(s.output_node);
  return name;
}

// The nearest-rank quantile q of sorted `v` (not empty).
std::uint64_t quantile(const std::vector<std::uint64_t>& v, double q) {
  const auto i = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

}  // namespace

bool JobEvents::on() const { return log_ && log_->on(); }

void JobEvents::job_start(const dag::Graph& graph, const plan::Plan& plan, const Resolved& resolved,
                          const char* action) {
  if (!on()) return;
  started_ = true;
  common::JsonWriter w;
  w.begin_object()
      .field("Event", "DataflowJobStart")
      .field("Job ID", job_)
      .field("Submission Time", epoch_ms())
      .field("Action", action);
  w.key("Stage IDs").begin_array();
  for (const plan::Stage& s : plan.stages) w.value(s.id);
  w.end_array().key("Stage Infos").begin_array();
  for (const plan::Stage& s : plan.stages) {
    w.begin_object().field("Stage ID", s.id).field("Stage Name", stage_name(graph, s));
    w.field("Number of Tasks", s.id < resolved.sizes.size() ? resolved.sizes[s.id].tasks : 0);
    w.key("Parent IDs").begin_array();
    for (std::uint32_t p : s.parents) w.value(p);
    w.end_array().key("Nodes").begin_array();
    for (int n : s.chain) w.value(n);
    w.end_array().end_object();
  }
  w.end_array().key("Reused Shuffles").begin_array();
  for (int n : plan.reused) w.value(n);
  w.end_array();
  w.field("Plan", plan::explain(graph, plan, resolved.sizes, resolved.counts)).end_object();
  log_->write(w);
}

void JobEvents::stage_submitted(const plan::Stage& s, std::uint32_t tasks) {
  if (!on()) return;
  shuffle_stage_ = s.output == plan::StageOutput::kShuffle;
  stage_submitted_ms_ = epoch_ms();
  stage_tasks_ = tasks;
  launched_ms_.assign(tasks, 0);
  run_ms_.clear();
  failed_ = 0;
  common::JsonWriter w;
  w.begin_object().field("Event", "DataflowStageSubmitted").field("Job ID", job_).key("Stage Info").begin_object();
  w.field("Stage ID", s.id)
      .field("Stage Attempt ID", 0)
      .field("Number of Tasks", tasks)
      .field("Submission Time", stage_submitted_ms_);
  w.end_object().end_object();
  log_->write(w);
}

void JobEvents::task_launched(std::uint32_t partition) {
  if (!on() || partition >= launched_ms_.size()) return;
  launched_ms_[partition] = epoch_ms();
}

void JobEvents::task_end(const task::TaskReport& r) {
  if (!on()) return;
  const detail::TaskMetrics& m = r.metrics;
  const std::int64_t finish = epoch_ms();
  const std::int64_t launch = r.partition < launched_ms_.size() ? launched_ms_[r.partition] : finish;
  if (r.ok) {
    run_ms_.push_back(m.run_us / 1000);
  } else {
    ++failed_;
  }
  std::uint64_t shuffle_bytes = 0;
  for (std::uint64_t b : r.bucket_sizes) shuffle_bytes += b;
  common::JsonWriter w;
  w.begin_object()
      .field("Event", "DataflowTaskEnd")
      .field("Job ID", job_)
      .field("Stage ID", r.stage)
      .field("Stage Attempt ID", 0)
      .field("Task Type", shuffle_stage_ ? "ShuffleMapTask" : "ResultTask");
  w.key("Task End Reason").begin_object();
  if (r.ok) {
    w.field("Reason", "Success");
  } else {
    w.field("Reason", "ExceptionFailure").field("Description", r.error).field("Exit Code", r.error_code);
  }
  w.end_object();
  w.key("Task Info")
      .begin_object()
      .field("Index", r.partition)
      .field("Attempt", r.attempt)
      .field("Partition ID", r.partition)
      .field("Launch Time", launch)
      .field("Executor ID", std::to_string(r.rank))
      .field("Finish Time", finish)
      .field("Failed", !r.ok)
      .field("Killed", false)
      .end_object();
  w.key("Task Metrics")
      .begin_object()
      .field("Executor Run Time", m.run_us / 1000)  // ms, as Spark's
      .field("Executor CPU Time", m.cpu_ns)         // ns, as Spark's
      .field("Run Time Us", m.run_us)
      .field("Peak Execution Memory", m.peak_reserved_bytes)
      .field("Result Size", r.result.size())
      .field("Memory Bytes Spilled", m.memory_bytes_spilled)
      .field("Disk Bytes Spilled", m.disk_bytes_spilled);
  w.key("Input Metrics").begin_object().field("Bytes Read", m.bytes_read).field("Records Read", m.records_read);
  w.end_object();
  w.key("Shuffle Write Metrics").begin_object().field("Shuffle Bytes Written", shuffle_bytes).end_object();
  w.end_object().end_object();
  log_->write(w);
}

void JobEvents::stage_completed(const plan::Stage& s) {
  if (!on()) return;
  common::JsonWriter w;
  w.begin_object().field("Event", "DataflowStageCompleted").field("Job ID", job_).key("Stage Info").begin_object();
  w.field("Stage ID", s.id)
      .field("Stage Attempt ID", 0)
      .field("Number of Tasks", stage_tasks_)
      .field("Completed Tasks", run_ms_.size())
      .field("Failed Attempts", failed_)
      .field("Submission Time", stage_submitted_ms_)
      .field("Completion Time", epoch_ms());
  w.key("Task Duration Ms");
  if (run_ms_.empty()) {
    w.null();
  } else {
    std::sort(run_ms_.begin(), run_ms_.end());
    w.begin_object()
        .field("min", run_ms_.front())
        .field("p25", quantile(run_ms_, 0.25))
        .field("p50", quantile(run_ms_, 0.5))
        .field("p75", quantile(run_ms_, 0.75))
        .field("max", run_ms_.back())
        .end_object();
  }
  w.end_object().end_object();
  log_->write(w);
}

void JobEvents::job_end(bool ok, const std::string& error, int exit_code) {
  if (!on() || !started_) return;  // failed before it was planned (a missing input): no job to end
  common::JsonWriter w;
  w.begin_object()
      .field("Event", "DataflowJobEnd")
      .field("Job ID", job_)
      .field("Completion Time", epoch_ms())
      .key("Job Result")
      .begin_object();
  if (ok) {
    w.field("Result", "JobSucceeded");
  } else {
    w.field("Result", "JobFailed").field("Exception", error).field("Exit Code", exit_code);
  }
  w.end_object().end_object();
  log_->write(w);
}

}  // namespace dataflow::driver
