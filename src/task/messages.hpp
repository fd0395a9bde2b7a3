// The control messages between driver and executors, besides the task Descriptor.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dataflow/detail/task_metrics.hpp"

namespace dataflow::task {

// Executor -> driver when it enters a job (its plan fingerprint, task threads and the
// action's name), or, with `finished`, when it reaches the end of the program (then `job` is
// the number of jobs it ran).
struct Hello {
  std::uint64_t job = 0;
  std::uint64_t fingerprint = 0;
  std::uint32_t cores = 1;
  std::string action;  // "collect", "count", ...
  bool finished = false;
  // finished: the exit code and message of an exception that ended the program on this
  // rank alone (0: it reached the end).
  std::int32_t error_code = 0;
  std::string error;
  template <class Archive>
  void serialize(Archive& ar);
};

// Executor -> driver when a task attempt ends.
struct TaskReport {
  std::uint64_t job = 0;
  std::uint32_t stage = 0;
  std::uint32_t partition = 0;
  std::uint32_t attempt = 0;
  std::int32_t rank = 0;
  bool ok = false;
  bool retryable = true;                    // false: fail the job at once (divergence)
  std::int32_t error_code = 0;              // an ExitCode when !ok
  std::string error;                        // one line when !ok
  // Shuffle output: the reduce partitions this task wrote records for, ascending, and the
  // bytes of each (empty ones are not listed).
  std::vector<std::uint32_t> bucket_ids;
  std::vector<std::uint64_t> bucket_sizes;
  std::string sample;  // range shuffle output: the encoded sample of its keys
  std::string result;                       // result output: the encoded partition
  std::string accumulators;                 // the attempt's accumulator updates (when ok)
  // Blocks of persisted datasets this attempt stored on its executor (node, partition), and
  // blocks that executor dropped since its last report (evicted under memory pressure).
  std::vector<std::int32_t> cached_nodes;
  std::vector<std::uint32_t> cached_partitions;
  std::vector<std::int32_t> dropped_nodes;
  std::vector<std::uint32_t> dropped_partitions;
  // A descriptor with `check` set: the hash of the task's output (0: not comparable).
  std::uint64_t output_hash = 0;
  detail::TaskMetrics metrics;  // what the attempt did, failed or not
  template <class Archive>
  void serialize(Archive& ar);
};

// A report for the attempt `d` names, from `rank`, not yet filled in.
template <class Descriptor>
TaskReport report_for(const Descriptor& d, std::int32_t rank) {
  TaskReport r;
  r.job = d.job;
  r.stage = d.stage;
  r.partition = d.partition;
  r.attempt = d.attempt;
  r.rank = rank;
  return r;
}

// Driver -> every executor: swap the buckets of one shuffle; owner[r] is the executor
// (0-based) that will run reduce partition r.
struct ExchangeOrder {
  std::uint64_t job = 0;
  std::int32_t shuffle_node = -1;
  std::uint64_t round_bytes = 0;
  std::vector<std::int32_t> owner;
  std::string bounds;  // range shuffle: the encoded bounds its map outputs are cut by
  bool broadcast = false;  // every reduce partition to every executor (owner unused)
  template <class Archive>
  void serialize(Archive& ar);
};

// Executor -> driver when its part of an exchange is done.
struct ExchangeDone {
  std::uint64_t job = 0;
  bool ok = true;
  std::string error;
  std::int32_t error_code = 70;  // the job's exit code when not ok
  // What it moved: bytes sent to each executor (0-based; its own stay in memory, 0),
  // bytes received, the collective's rounds, and the time in MPI_Alltoallv and in the
  // whole exchange.
  std::vector<std::uint64_t> bytes_to;
  std::uint64_t bytes_received = 0;
  std::uint64_t rounds = 0;
  std::uint64_t collective_us = 0;
  std::uint64_t total_us = 0;
  template <class Archive>
  void serialize(Archive& ar);
};

// Driver -> every executor (--resume-dir): write the reduce partitions of `shuffle_node`
// that it holds into `dir` (store), or read back from there those that `owner` gives it
// (load: owner[r] is the executor, 0-based, of reduce partition r).
struct ResumeOrder {
  std::uint64_t job = 0;
  std::int32_t shuffle_node = -1;
  bool load = false;
  std::string dir;
  std::vector<std::int32_t> owner;
  template <class Archive>
  void serialize(Archive& ar);
};

// Executor -> driver when its part of a ResumeOrder is done: the bytes it wrote or read, or
// its error.
struct ResumeDone {
  std::uint64_t job = 0;
  bool ok = true;
  std::string error;
  std::int32_t error_code = 0;
  std::uint64_t bytes = 0;
  template <class Archive>
  void serialize(Archive& ar);
};

// Executor -> driver about once a second while an event log or report is on (it also
// serves as a heartbeat): the rank's process as /proc and getrusage see it.
struct RankSample {
  std::uint64_t rss = 0;       // bytes resident
  std::uint64_t peak_rss = 0;  // bytes, the most resident so far
  std::uint64_t cpu_user_ms = 0;
  std::uint64_t cpu_system_ms = 0;
  std::uint64_t pool_reserved = 0;       // the memory pool's reserved bytes
  std::uint64_t disk_bytes_spilled = 0;  // spilled by this process so far, as stored
  template <class Archive>
  void serialize(Archive& ar);
};

// Driver -> every executor: the job is over; the action's result or its error.
struct JobEnd {
  std::uint64_t job = 0;
  bool ok = true;
  std::int32_t error_code = 0;
  std::string error;
  std::string result;
  // The accumulator updates of the job's successful tasks, by stage and partition, for every
  // rank to apply in this order (when ok).
  std::string accumulators;
  // The shuffles whose output the executors keep for later jobs, and the partitions of each
  // (so that every rank plans and explains alike); the rest is dropped.
  std::vector<std::int32_t> kept_shuffles;
  std::vector<std::uint32_t> kept_partitions;
  template <class Archive>
  void serialize(Archive& ar);
};

// Driver -> every executor at the end of the program (exit_code 0: finish normally), or when
// the ranks broke the SPMD contract (exit_code != 0: acknowledge, then end the process with
// that code).
struct Shutdown {
  std::int32_t exit_code = 0;
  template <class Archive>
  void serialize(Archive& ar);
};

}  // namespace dataflow::task
