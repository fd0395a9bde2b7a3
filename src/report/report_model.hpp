// ReportModel: what the page shows, read from the event log's JSON lines (README "Event log").
// Fields the driver does not write (an older log, a killed job) stay at their "unknown" value.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dataflow::report {

struct ExecutorInfo {
  std::string id;  // the rank, as the log names it
  std::string host;
  std::int64_t cores = -1;
  std::int64_t memory = -1;
  std::int64_t pid = -1;
};

struct Application {
  std::string name, app_id, user, version;
  std::vector<std::string> argv;
  std::vector<std::pair<std::string, std::string>> settings;
  std::vector<ExecutorInfo> executors;  // empty when the log has only their count
  std::int64_t executor_count = -1;
  std::int64_t ranks = -1, executor_cores = -1, executor_memory = -1, driver_pid = -1;
  std::int64_t start_ms = -1;  // -1: no DataflowApplicationStart
  std::int64_t end_ms = -1;    // -1: no DataflowApplicationEnd (running or killed)
  std::optional<std::int64_t> exit_code;
};

// One DataflowTaskEnd: an attempt, failed or not.
struct TaskAttempt {
  std::size_t job = 0;  // index into ReportModel::jobs
  std::uint32_t stage = 0, partition = 0, attempt = 0;
  int rank = -1;    // "Executor ID"
  int thread = -1;  // -1: not in the log
  std::int64_t launch_ms = 0, finish_ms = 0, run_ms = 0;
  bool failed = false;
  std::string error;  // a failed attempt's description
  std::uint64_t cpu_ns = 0, peak_memory = 0, memory_spilled = 0, disk_spilled = 0;
  std::uint64_t input_bytes = 0, input_records = 0;
  std::uint64_t shuffle_write_bytes = 0, shuffle_write_records = 0;
  std::uint64_t shuffle_read_bytes = 0, shuffle_read_records = 0;
  bool has_shuffle_read = false;
};

struct Quantiles {
  std::int64_t min = 0, p25 = 0, p50 = 0, p75 = 0, max = 0;
};

// "Shuffle Partition Bytes" of a map stage: the sizes of the partitions it wrote.
struct PartitionBytes {
  std::uint64_t count = 0, min = 0, p50 = 0, max = 0;
  struct Top {
    std::uint64_t partition = 0, bytes = 0;
    std::string rank;  // empty when not logged
  };
  std::vector<Top> top;
};

// The driver's own skew verdict ("Skew"), when logged.
struct LoggedSkew {
  double duration_ratio = 0, bytes_ratio = 0;
  bool flagged = false;
};

struct Stage {
  std::uint32_t id = 0;
  std::string name;
  std::uint32_t tasks = 0;
  std::vector<std::uint32_t> parents;
  std::int64_t submitted_ms = -1, completed_ms = -1;
  std::int64_t completed_tasks = -1, failed_attempts = -1;
  std::optional<Quantiles> durations;
  std::optional<PartitionBytes> partition_bytes;
  std::optional<LoggedSkew> skew;
};

struct Accumulable {
  std::string name, value;
};

struct Job {
  std::int64_t id = 0;
  std::string action, plan;
  std::int64_t submitted_ms = -1, completed_ms = -1;
  std::vector<Stage> stages;
  std::vector<std::int64_t> reused_shuffles;
  enum class Result { kRunning, kSucceeded, kFailed } result = Result::kRunning;
  std::string error;
  std::vector<Accumulable> accumulables;

  Stage* stage(std::uint32_t stage_id);
  const Stage* stage(std::uint32_t stage_id) const;
};

struct Exchange {
  std::size_t job = 0;
  std::int64_t shuffle = 0, stage = 0, start_ms = 0, end_ms = 0, rounds = 0;
  std::uint64_t bytes_sent = 0, bytes_received = 0;  // summed over ranks
  bool broadcast = false;                            // a broadcast join's table, not a shuffle
};

struct RankSample {
  std::int64_t time_ms = 0;
  std::uint64_t rss = 0, peak_rss = 0, cpu_ms = 0, pool_reserved = 0, disk_spilled = 0;
};

struct RankSeries {
  std::string executor;
  std::vector<RankSample> samples;  // in log order
};

// A stage's attempts summed: successful attempts for records and bytes (a retried task's
// input counted once), every attempt for spill and peak memory.
struct StageTotals {
  std::uint64_t attempts = 0, failed = 0;
  std::uint64_t input_bytes = 0, input_records = 0;
  std::uint64_t shuffle_write_bytes = 0, shuffle_write_records = 0;
  std::uint64_t shuffle_read_bytes = 0, shuffle_read_records = 0;
  std::uint64_t memory_spilled = 0, disk_spilled = 0, peak_memory = 0;
  std::int64_t first_launch_ms = -1, last_finish_ms = -1;
  bool has_shuffle_read = false;
};

StageTotals stage_totals(std::span<const TaskAttempt> tasks);

struct ReportModel {
  Application app;
  std::vector<Job> jobs;
  std::vector<TaskAttempt> tasks;  // by job index, then stage; in log order within a stage
  std::vector<Exchange> exchanges;
  std::vector<RankSeries> ranks;
  std::size_t skipped_lines = 0;  // not JSON objects (a cut last line) or of an unknown event

  // The earliest time on the log's clock: the application's start, else the first job's.
  std::int64_t origin_ms() const;
  // The latest: the application's end, else the last task, job or sample seen.
  std::int64_t last_ms() const;
  // Whether stage `stage` of jobs[job] fed a broadcast (an exchange logged "Broadcast": true).
  bool broadcast_stage(std::size_t job, std::uint32_t stage) const;
  // The attempts of stage `stage` of jobs[job].
  std::span<const TaskAttempt> tasks_of(std::size_t job, std::uint32_t stage) const;
  // A stage's wall time: submitted to completed, else its first launch to its last finish.
  std::int64_t stage_duration_ms(std::size_t job, const Stage& s) const;
};

// Reads the JSON lines of one or more concatenated event logs. Never throws on bad input.
ReportModel read_event_log(std::string_view log_text);

}  // namespace dataflow::report
