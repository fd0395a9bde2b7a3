// JobEvents: building the job, stage and task events (field names: README, "Event log").
#include "driver/job_events.hpp"

#include <algorithm>

#include "common/json_writer.hpp"
#include "driver/backend.hpp"
#include "driver/event_log.hpp"
#include "exec/rank_sampler.hpp"
#include "plan/planner.hpp"
#include "report/skew.hpp"

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

using report::quantile_sorted;

// Max / median by the report's skew rule (README "The HTML report"), and whether it flags.
void skew_field(common::JsonWriter& w, const char* name, std::uint64_t max, std::uint64_t median, double floor,
                bool& flagged) {
  const report::SkewVerdict v = report::judge_skew(static_cast<double>(max), static_cast<double>(median), floor);
  w.field(name, v.ratio);  // null when the median is 0 and the max is not
  flagged = flagged || v.flagged;
}

// "Shuffle Partition Bytes": count, min, p50, max and the 5 largest [partition, bytes].
void partition_bytes(common::JsonWriter& w, const std::vector<std::uint64_t>& bytes, std::uint64_t& max,
                     std::uint64_t& median) {
  std::vector<std::uint64_t> sorted = bytes;
  std::sort(sorted.begin(), sorted.end());
  max = sorted.back();
  median = quantile_sorted(sorted, 0.5);
  std::vector<std::uint32_t> top(bytes.size());
  for (std::uint32_t i = 0; i < top.size(); ++i) top[i] = i;
  const std::size_t n = std::min<std::size_t>(5, top.size());
  std::partial_sort(top.begin(), top.begin() + static_cast<std::ptrdiff_t>(n), top.end(),
                    [&](std::uint32_t a, std::uint32_t b) { return bytes[a] > bytes[b]; });
  w.key("Shuffle Partition Bytes")
      .begin_object()
      .field("count", bytes.size())
      .field("min", sorted.front())
      .field("p50", median)
      .field("max", max);
  w.key("top").begin_array();
  for (std::size_t i = 0; i < n; ++i) w.begin_array().value(top[i]).value(bytes[top[i]]).end_array();
  w.end_array().end_object();
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
    if (s.output == plan::StageOutput::kShuffle) map_stage_[s.output_node] = s.id;
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

void JobEvents::stage_submitted(const plan::Stage& s, std::uint32_t tasks, std::uint32_t buckets) {
  if (!on()) return;
  shuffle_stage_ = s.output == plan::StageOutput::kShuffle;
  stage_open_ = true;
  stage_submitted_ms_ = epoch_ms();
  stage_tasks_ = tasks;
  launched_ms_.assign(tasks, 0);
  run_ms_.clear();
  failed_ = 0;
  partition_bytes_.assign(shuffle_stage_ ? buckets : 0, 0);
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
  for (std::size_t i = 0; i < r.bucket_sizes.size(); ++i) {
    shuffle_bytes += r.bucket_sizes[i];
    if (r.bucket_ids[i] < partition_bytes_.size()) partition_bytes_[r.bucket_ids[i]] += r.bucket_sizes[i];
  }
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
      .field("Thread", m.thread)
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
      .field("Disk Bytes Spilled", m.disk_bytes_spilled)
      .field("Queue Wait Us", m.queue_wait_us);
  w.key("Input Metrics").begin_object().field("Bytes Read", m.bytes_read).field("Records Read", m.records_read);
  w.end_object();
  w.key("Shuffle Write Metrics")
      .begin_object()
      .field("Shuffle Bytes Written", shuffle_bytes)
      .field("Shuffle Records Written", m.shuffle_records_written)
      .end_object();
  w.key("Shuffle Read Metrics")
      .begin_object()
      .field("Total Bytes Read", m.shuffle_bytes_read)
      .field("Blocks Read", m.shuffle_blocks_read)
      .end_object();
  w.end_object().end_object();
  log_->write(w);
}

void JobEvents::stage_completed(const plan::Stage& s, const std::string& failure) {
  if (!on() || !stage_open_) return;
  stage_open_ = false;
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
  std::uint64_t max_ms = 0, median_ms = 0, max_bytes = 0, median_bytes = 0;
  if (run_ms_.empty()) {
    w.null();
  } else {
    std::sort(run_ms_.begin(), run_ms_.end());
    max_ms = run_ms_.back();
    median_ms = quantile_sorted(run_ms_, 0.5);
    w.begin_object()
        .field("min", run_ms_.front())
        .field("p25", quantile_sorted(run_ms_, 0.25))
        .field("p50", median_ms)
        .field("p75", quantile_sorted(run_ms_, 0.75))
        .field("max", max_ms)
        .end_object();
  }
  if (!partition_bytes_.empty()) partition_bytes(w, partition_bytes_, max_bytes, median_bytes);
  bool flagged = false;
  w.key("Skew").begin_object();
  skew_field(w, "Duration Max/Median", max_ms, median_ms, report::kSkewDurationFloorMs, flagged);
  skew_field(w, "Bytes Max/Median", max_bytes, median_bytes, report::kSkewBytesFloor, flagged);
  w.field("Flagged", flagged).field("Rule", report::skew_rule_text()).end_object();
  if (failure.empty()) {
    w.key("Failure Reason").null();
  } else {
    w.field("Failure Reason", failure);
  }
  w.end_object().end_object();
  log_->write(w);
}

void JobEvents::exchange(const task::ExchangeOrder& order, std::int64_t start_ms,
                         const std::vector<task::ExchangeDone>& done, const Backend& backend) {
  if (!on()) return;
  // By rank (0 is the driver, which sends nothing, except in local mode where it is the executor).
  const std::size_t ranks =
      done.empty() ? 1 : static_cast<std::size_t>(backend.rank_of_executor(static_cast<int>(done.size()) - 1)) + 1;
  std::vector<std::uint64_t> sent(ranks), received(ranks), collective(ranks), total(ranks);
  std::uint64_t rounds = 0;
  for (std::size_t e = 0; e < done.size(); ++e) {
    const auto rank = static_cast<std::size_t>(backend.rank_of_executor(static_cast<int>(e)));
    for (std::uint64_t b : done[e].bytes_to) sent[rank] += b;
    received[rank] = done[e].bytes_received;
    collective[rank] = done[e].collective_us;
    total[rank] = done[e].total_us;
    rounds = std::max(rounds, done[e].rounds);
  }
  common::JsonWriter w;
  w.begin_object().field("Event", "DataflowExchange").field("Job ID", job_).field("Shuffle ID", order.shuffle_node);
  if (auto it = map_stage_.find(order.shuffle_node); it != map_stage_.end()) w.field("Stage ID", it->second);
  w.field("Broadcast", order.broadcast)
      .field("Start Time", start_ms)
      .field("End Time", epoch_ms())
      .field("Rounds", rounds);
  auto array = [&w](const char* name, const std::vector<std::uint64_t>& v) {
    w.key(name).begin_array();
    for (std::uint64_t x : v) w.value(x);
    w.end_array();
  };
  array("Bytes Sent By Rank", sent);
  array("Bytes Received By Rank", received);
  array("Alltoallv Time Us By Rank", collective);
  array("Exchange Time Us By Rank", total);
  w.key("Bytes By Peer").begin_array();  // [from executor][to executor]
  for (const task::ExchangeDone& d : done) {
    w.begin_array();
    for (std::uint64_t b : d.bytes_to) w.value(b);
    w.end_array();
  }
  w.end_array().end_object();
  log_->write(w);
}

void JobEvents::sample(Backend& backend) {
  if (!on()) return;
  auto write = [this](int rank, const task::RankSample& s) {
    common::JsonWriter w;
    w.begin_object()
        .field("Event", "DataflowRankSample")
        .field("Executor ID", std::to_string(rank))
        .field("Timestamp", epoch_ms())
        .field("RSS", s.rss)
        .field("Peak RSS", s.peak_rss)
        .field("CPU User Ms", s.cpu_user_ms)
        .field("CPU System Ms", s.cpu_system_ms)
        .field("Pool Reserved", s.pool_reserved)
        .field("Disk Bytes Spilled", s.disk_bytes_spilled)
        .end_object();
    log_->write(w);
  };
  for (const auto& [rank, s] : backend.take_samples()) write(rank, s);
  const auto now = std::chrono::steady_clock::now();
  if (now - last_sample_ < sample_every_) return;
  last_sample_ = now;
  write(0, exec::sample_rank(backend.local_pool()));
}

void JobEvents::job_failed(const std::string& error, int exit_code) {
  if (!on() || !started_) return;  // failed before it was planned (a missing input): no job to end
  common::JsonWriter w;
  w.begin_object()
      .field("Event", "DataflowJobEnd")
      .field("Job ID", job_)
      .field("Completion Time", epoch_ms())
      .key("Job Result")
      .begin_object()
      .field("Result", "JobFailed")
      .field("Exception", error)
      .field("Exit Code", exit_code)
      .end_object()
      .end_object();
  log_->write(w);
}

void JobEvents::job_succeeded(EventLog* log, std::uint64_t job, const Accumulables& accumulables) {
  if (!log || !log->on()) return;
  common::JsonWriter w;
  w.begin_object()
      .field("Event", "DataflowJobEnd")
      .field("Job ID", job)
      .field("Completion Time", epoch_ms())
      .key("Job Result")
      .begin_object()
      .field("Result", "JobSucceeded")
      .end_object();
  w.key("Accumulables").begin_array();
  for (const auto& [name, value] : accumulables)
    w.begin_object().field("Name", name).field("Value", value).end_object();
  w.end_array().end_object();
  log->write(w);
}

}  // namespace dataflow::driver
