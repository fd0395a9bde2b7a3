// Settings of a session; defaults come from the environment (DATAFLOW_*), flags override them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dataflow {

enum class ProgressMode { kAuto, kOn, kOff };

// How spill files are stored: as written, or in LZ4 frames of 64 KiB.
enum class SpillCompression { kNone, kLz4 };

// What a text line does whose processing throws Error(kDataError) (--bad-records): fail the
// job (Spark's FAILFAST), skip it and count it (DROPMALFORMED), or skip it, count it and
// write it to a file (Databricks' badRecordsPath).
enum class BadRecordsMode : std::uint8_t { kFail, kSkip, kWrite };

struct Config {
  // Memory budget of one executor in bytes (the program may change it between jobs, on every
  // rank alike): the buffers, tables and received shuffle blocks
  // of its tasks; what does not fit is spilled to the local directory. 0 = automatic: the
  // node's memory shared among its executors, capped by Slurm's grant (SLURM_MEM_PER_NODE,
  // SLURM_MEM_PER_CPU) and the cgroup's memory.max, less a reserve for the program itself.
  std::uint64_t executor_memory = 0;
  // Where each executor makes its private spill directory; empty = $TMPDIR, else /tmp.
  std::string local_dir;
  // Where checkpoint() writes; every rank must see it (a shared file system when the ranks
  // run on several nodes). Empty = the local directory's base ($TMPDIR, else /tmp).
  std::string checkpoint_dir;
  // --resume-dir: every shuffle's output, once exchanged, is stored in this directory (seen by
  // every rank), under a key of its lineage, the inputs' identity and the program's command
  // line; a rerun of the same command reads stored shuffles back instead of running the
  // stages that made them. Removed after a successful end unless keep_resume_state. Empty =
  // nothing stored.
  std::string resume_dir;
  bool keep_resume_state = false;
  // --event-log: the driver writes a JSON-lines event log into this directory (which must
  // exist and be writable); empty = no log.
  std::string event_log;
  // --report: the driver writes one self-contained HTML report of the run to this file at
  // the end of the program (also when a job failed); empty = none.
  std::string report;
  // While an event log or report is on, each rank samples its memory and CPU this often
  // (DATAFLOW_METRICS_INTERVAL, whole seconds).
  int metrics_interval_seconds = 1;
  // Spill files compressed with LZ4 (2.6x fewer bytes for TeraSort records, 1.2x for text)
  // or not. Off by default: see the README's Memory section for when it pays.
  SpillCompression spill_compression = SpillCompression::kNone;
  // An action whose results at the driver exceed this many bytes fails with exit code 70
  // (Spark's spark.driver.maxResultSize); 0 = no limit.
  std::uint64_t max_result_size = std::uint64_t{1} << 30;
  // Task threads per executor; 0 = share the node's cores among the executors on it.
  int executor_cores = 0;
  // Attempts per task before the job fails (Spark's spark.task.maxFailures).
  int max_task_attempts = 4;
  // Byte size of a text input split.
  std::uint64_t split_size = std::uint64_t{128} << 20;
  // Longest text line (without its line ending) a task reads; a longer one fails the job
  // with exit code 65 naming the file and the line's offset.
  std::uint64_t max_line_size = std::uint64_t{1} << 30;
  // A text line whose processing throws Error(kDataError) in the stage that reads it (a
  // map, flat_map or filter before the first shuffle): fail = the job fails with exit code
  // 65, the message prefixed "FILE:OFFSET: "; skip = the line is dropped and counted
  // (Session::bad_records()); write = as skip, and the driver appends
  // "FILE:OFFSET<TAB>error<TAB>line" to bad_records_path, created by the first job.
  BadRecordsMode bad_records = BadRecordsMode::kFail;
  std::string bad_records_path;
  // Most bytes one executor sends to one peer per Alltoallv round; 0 = automatic.
  // Tiny values force the multi-round exchange path in tests.
  std::uint64_t shuffle_round_bytes = 0;
  // A join (inner or left outer) or subtract_by_key whose right side's shuffle output is at
  // most this many bytes, once its map stage has run, sends that side whole to every
  // executor and reads the left side where its map tasks left it: the big side never
  // crosses the network (Spark's adaptive broadcast join). 0 = never.
  std::uint64_t broadcast_join_threshold = std::uint64_t{10} << 20;
  // Reduce partitions of a shuffle when the operation names none; 0 = the parent's count.
  int default_parallelism = 0;
  // Console progress bar: auto = only when stderr (or mpirun's) is a terminal; on = also
  // plain lines where no terminal is involved (batch output files).
  ProgressMode progress = ProgressMode::kAuto;
  // Plain progress lines come at least this often during a stage.
  int progress_interval_seconds = 30;
  // Print each job's plan (explain()) to stderr on the driver before it runs.
  bool explain = false;
  // The DataFrame optimizer's rules (column pruning, filter pushdown); off, DataFrames run
  // as written (--optimizer off, DATAFLOW_OPTIMIZER=off). The rules change speed, not
  // answers, with one exception that Spark's CSV column pruning shares: a CSV scan checks
  // only the columns it reads, so which records DROPMALFORMED drops and FAILFAST fails on
  // can differ. Every rank must agree (the session takes it as on only where all have it on).
  bool optimizer = true;
  // --check-spmd: the driver also runs the first task of each stage that reads no shuffle
  // and compares its output with the executor's; a difference (a lambda that reads data only
  // the driver has) fails the job with exit code 70. A program started alone runs itself
  // again as a driver and one executor under mpirun -n 2.
  bool check_spmd = false;
  // A job fails (exit code 70) when an executor running tasks sends nothing (no report, no
  // heartbeat) for this long, as Spark's spark.network.timeout; 0 = never.
  int network_timeout_seconds = 120;
  // A job fails (exit code 70) when one task attempt runs longer than this; 0 = no limit.
  int task_timeout_seconds = 0;
};

// A byte size such as "64M": a positive whole number with an optional K, M or G suffix
// (powers of 1024, either case); nullopt for anything else or on overflow.
std::optional<std::uint64_t> parse_size(std::string_view text);
// The other way: "64M", "1536K", "100" (the largest unit that divides it).
std::string format_size(std::uint64_t bytes);

// "none" or "lz4" (--spill-compression, DATAFLOW_SPILL_COMPRESSION); nullopt for anything else.
inline std::optional<SpillCompression> parse_spill_compression(std::string_view text) {
  if (text == "none") return SpillCompression::kNone;
  if (text == "lz4") return SpillCompression::kLz4;
  return std::nullopt;
}

// "fail", "skip", or the file to write bad records to (--bad-records, DATAFLOW_BAD_RECORDS;
// "./skip" for a file named skip); false for "".
inline bool parse_bad_records(std::string_view text, BadRecordsMode& mode, std::string& path) {
  if (text.empty()) return false;
  path.clear();
  if (text == "fail") {
    mode = BadRecordsMode::kFail;
  } else if (text == "skip") {
    mode = BadRecordsMode::kSkip;
  } else {
    mode = BadRecordsMode::kWrite;
    path = text;
  }
  return true;
}

}  // namespace dataflow
