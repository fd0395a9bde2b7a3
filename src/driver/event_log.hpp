// EventLog: the driver's JSON-lines event log (--event-log DIR). One object per line in
// DIR/APP-ID.jsonl.inprogress, renamed to DIR/APP-ID.jsonl when the program ends (Spark's
// convention): a log still .inprogress is one whose program did not end normally.
// The events' names and fields: README, "Event log"; the job's events: job_events.hpp.
#pragma once

#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "common/json_writer.hpp"

namespace dataflow::driver {

// PROGRAM-YYYYMMDDTHHMMSSZ-PID, prefixed slurmJOBID.STEPID- when SLURM_JOB_ID is set; only
// [A-Za-z0-9._-] (others become '_'), so that it is a plain file name.
std::string application_id(std::string_view program, std::time_t now, long pid);

// Milliseconds since the epoch (Spark's timestamps).
std::int64_t epoch_ms();

// One executor as DataflowApplicationStart lists it.
struct ExecutorInfo {
  int rank = 0;
  std::string host;
  int cores = 0;
  long pid = 0;
};

class EventLog {
 public:
  // Creates DIR/APP-ID.jsonl.inprogress (O_EXCL|O_NOFOLLOW, mode 0640) and writes
  // DataflowLogStart. Throws Error(kConfig) naming `dir` when it cannot. An empty `dir`
  // writes no file. With `keep`, the log's lines are also kept in memory (for --report).
  EventLog(std::string dir, std::string app_id, std::string program, bool keep = false);
  ~EventLog();  // closes the file, leaving it .inprogress unless finish() ran
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

  // Appends one event (an object, without its newline). Never throws for the file: a write
  // error prints one warning and turns the log off. Not thread-safe (the driver's thread).
  void write(const common::JsonWriter& event);
  void write(std::string_view line);

  // DataflowApplicationStart; `settings`: the DATAFLOW_* variables set.
  void application_start(const std::vector<std::string>& argv, int ranks, const std::vector<ExecutorInfo>& executors,
                         int executor_cores, std::uint64_t executor_memory);
  // DataflowApplicationEnd, then the rename to DIR/APP-ID.jsonl. Once.
  void finish(int exit_code);

  const std::string& app_id() const { return app_id_; }
  const std::string& path() const { return path_; }  // the final name
  bool on() const { return fd_ >= 0 || keep_; }
  const std::string& kept() const { return kept_; }  // every line so far, with `keep`

 private:
  void turn_off(const char* what, int err);

  std::string dir_, app_id_, program_, path_;
  int fd_ = -1;
  bool finished_ = false;
  bool keep_ = false;
  std::string kept_;
};

}  // namespace dataflow::driver
