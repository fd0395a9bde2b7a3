// TaskMetrics: what one task attempt did (times, input, spill, memory), counted as it runs
// and carried to the driver in its report. Counting sites add once per batch (a split
// piece, a spill write, a reservation), never per record.
#pragma once

#include <cstdint>

namespace dataflow::detail {

// Plain data with fixed-width fields: it crosses ranks in task::TaskReport.
struct TaskMetrics {
  std::uint64_t run_us = 0;                // wall time of the attempt on its thread
  std::uint64_t cpu_ns = 0;                // its thread's CPU time (CLOCK_THREAD_CPUTIME_ID)
  std::uint64_t records_read = 0;          // text lines or fixed-length records read
  std::uint64_t bytes_read = 0;            // bytes read from input files
  std::uint64_t memory_bytes_spilled = 0;  // bytes written to spill files, before compression
  std::uint64_t disk_bytes_spilled = 0;    // the same bytes as stored on disk
  std::uint64_t reserved_bytes = 0;        // task memory reserved now (not sent: for the peak)
  std::uint64_t peak_reserved_bytes = 0;   // the most task memory it held at once
  std::uint64_t queue_wait_us = 0;         // from the descriptor's arrival to the attempt's start
  std::uint64_t shuffle_records_written = 0;  // records of its shuffle output
  std::uint64_t shuffle_bytes_read = 0;       // shuffle blocks it read (from memory or disk)
  std::uint64_t shuffle_blocks_read = 0;
  std::int32_t thread = -1;  // the executor's task thread (0-based) that ran it
};

// The running attempt's metrics on this thread; null outside a task (set by the task
// runner, as current_task_accumulators()). Counting sites check for null.
TaskMetrics*& current_task_metrics();

}  // namespace dataflow::detail
