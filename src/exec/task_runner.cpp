// TaskRunner: builds the TaskContext from a descriptor and calls the registered runner.
#include "exec/task_runner.hpp"

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <exception>
#include <new>
#include <stdexcept>
#include <string_view>

#include "dataflow/accumulator.hpp"
#include "dataflow/detail/hash.hpp"
#include "dataflow/detail/task_metrics.hpp"
#include "dataflow/error.hpp"
#include "exec/thread_pool.hpp"
#include "task/wire.hpp"

namespace dataflow::detail {

TaskAccumulators*& current_task_accumulators() {
  thread_local TaskAccumulators* current = nullptr;
  return current;
}

TaskMetrics*& current_task_metrics() {
  thread_local TaskMetrics* current = nullptr;
  return current;
}

}  // namespace dataflow::detail

namespace dataflow::exec {
namespace {

constexpr const char* kOutOfMemory =
    "out of memory: give the executors more memory, or more partitions (a smaller --split-size, more "
    "partitions in reduce_by_key)";

// A task output's hash for --check-spmd; never 0, which means "not comparable".
std::uint64_t hash_of(std::string_view bytes) { return detail::hash_bytes(bytes) | 1; }

std::uint64_t thread_cpu_ns() {
  timespec t{};
  if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t) != 0) return 0;
  return static_cast<std::uint64_t>(t.tv_sec) * 1000000000u + static_cast<std::uint64_t>(t.tv_nsec);
}

// Counts an attempt's wall and CPU time into its metrics, and is its thread's
// current_task_metrics() meanwhile.
class MetricsScope {
 public:
  explicit MetricsScope(detail::TaskMetrics& m)
      : m_(m), wall_(std::chrono::steady_clock::now()), cpu_(thread_cpu_ns()) {
    detail::current_task_metrics() = &m_;
  }
  ~MetricsScope() {
    detail::current_task_metrics() = nullptr;
    const auto wall = std::chrono::steady_clock::now() - wall_;
    m_.run_us = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(wall).count());
    m_.cpu_ns = thread_cpu_ns() - cpu_;
  }
  MetricsScope(const MetricsScope&) = delete;
  MetricsScope& operator=(const MetricsScope&) = delete;

 private:
  detail::TaskMetrics& m_;
  std::chrono::steady_clock::time_point wall_;
  std::uint64_t cpu_;
};

// The shuffle blocks a task reads, into its metrics (once per input, not per record).
void count_shuffle_read(const std::vector<detail::Block>& blocks, detail::TaskMetrics& m) {
  for (const detail::Block& b : blocks) m.shuffle_bytes_read += b.size;
  m.shuffle_blocks_read += blocks.size();
}

}  // namespace

std::string TaskRunner::run_encoded(const task::Descriptor& d, Clock::time_point queued) const noexcept {
  task::TaskReport report = run(d, queued);
  try {
    if (fault_.action == FaultSpec::Action::kOomReport && report.ok) {
      inject_fault(fault_, d.stage, d.partition, d.attempt, rank_);
    }
    return task::encode(report);
  } catch (...) {  // the report itself did not fit
    task::TaskReport small = task::report_for(d, rank_);
    small.error_code = static_cast<int>(ExitCode::kSoftware);
    small.error = std::string(kOutOfMemory) + " (while encoding the task's report)";
    small.retryable = false;
    try {
      return task::encode(small);
    } catch (...) {
      std::fprintf(stderr, "dataflow: rank %d: fatal: out of memory\n", rank_);
      std::abort();
    }
  }
}

task::TaskReport TaskRunner::run(const task::Descriptor& d, Clock::time_point queued) const noexcept {
  task::TaskReport report = task::report_for(d, rank_);
  report.metrics.thread = ThreadPool::current_slot();
  if (queued != Clock::time_point{}) {
    report.metrics.queue_wait_us = static_cast<std::uint64_t>(std::max<std::int64_t>(
        0, std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - queued).count()));
  }
  // The attempt's accumulator updates: kept only if it succeeds.
  detail::TaskAccumulators accumulators;
  detail::current_task_accumulators() = &accumulators;
  try {
    MetricsScope metrics(report.metrics);
    run_or_throw(d, report);
    report.accumulators = accumulators.encode();
    report.ok = true;
  } catch (const std::bad_alloc&) {
    report.error_code = static_cast<int>(ExitCode::kSoftware);
    report.error = kOutOfMemory;
    report.retryable = false;  // it would only run out again
  } catch (const detail::ResultTooLarge& e) {
    report.error_code = e.exit_code();
    report.error = e.what();
    report.retryable = false;  // it would only grow as large again
  } catch (const Error& e) {
    report.error_code = e.exit_code();
    report.error = e.what();
  } catch (const std::exception& e) {
    report.error_code = static_cast<int>(ExitCode::kSoftware);
    report.error = e.what();
  } catch (...) {
    report.error_code = static_cast<int>(ExitCode::kSoftware);
    report.error = "unknown exception";
  }
  detail::current_task_accumulators() = nullptr;
  try {  // where persisted blocks are now, for the driver's scheduling
    std::vector<std::pair<int, std::uint32_t>> stored, dropped;
    cache_.take_changes(stored, dropped);
    for (const auto& [node, partition] : stored) {
      report.cached_nodes.push_back(node);
      report.cached_partitions.push_back(partition);
    }
    for (const auto& [node, partition] : dropped) {
      report.dropped_nodes.push_back(node);
      report.dropped_partitions.push_back(partition);
    }
  } catch (...) {  // out of memory: the driver's map is only a preference
  }
  if (!report.ok) {
    report.accumulators.clear();
    report.bucket_ids.clear();
    report.bucket_sizes.clear();
    report.sample.clear();
    report.result.clear();
  }
  return report;
}

void TaskRunner::cut_range_outputs(const task::ExchangeOrder& order) const {
  if (auto it = registry_.range_partitioners.find(order.shuffle_node); it != registry_.range_partitioners.end()) {
    store_.split_map_outputs(order.shuffle_node, it->second, order.bounds);
  }
}

std::uint64_t TaskRunner::output_hash(const task::Descriptor& d) const {
  detail::TaskAccumulators accumulators;  // dropped: the executor's attempt counts
  detail::current_task_accumulators() = &accumulators;
  struct Reset {
    ~Reset() { detail::current_task_accumulators() = nullptr; }
  } reset;
  task::TaskReport report = task::report_for(d, rank_);
  task::Descriptor checked = d;
  checked.check = true;
  run_or_throw(checked, report, false);
  return report.output_hash;
}

void TaskRunner::run_or_throw(const task::Descriptor& d, task::TaskReport& report, bool keep) const {
  if (fault_.action != FaultSpec::Action::kOomReport) inject_fault(fault_, d.stage, d.partition, d.attempt, rank_);
  detail::TaskContext ctx;
  ctx.memory = store_.memory();
  ctx.cache = &cache_;
  struct Running {  // counted in the pool's fair share while it runs
    detail::MemoryPool* pool;
    explicit Running(detail::MemoryPool* p) : pool(p) {
      if (pool) pool->task_started();
    }
    ~Running() {
      if (pool) pool->task_finished();
    }
  } running(ctx.memory.pool);
  ctx.stage = d.stage;
  ctx.rank = rank_;
  ctx.max_result_bytes = config_.max_result_size;
  ctx.partition = d.partition;
  ctx.tasks = d.tasks;
  ctx.attempt = d.attempt;
  for (const auto& n : d.nodes) ctx.partitions.push_back({n.node, n.partition, n.scope});
  for (const auto& sc : d.scopes) ctx.scopes.emplace_back(sc.coalesce, sc.parent);
  std::deque<std::vector<detail::Block>> blocks;  // stable addresses for ctx.inputs
  for (const task::InputPart& in : d.inputs) {
    detail::TaskInput& t = ctx.inputs.emplace_back();
    t.node = in.node;
    t.partition = in.partition;
    t.scope = in.scope;
    switch (in.kind) {
      case task::InputKind::kTextSplit:
        t.split = &in.split;
        break;
      case task::InputKind::kShuffle:
        t.blocks = &blocks.emplace_back(store_.reduce_input(in.node, in.partition));
        break;
      case task::InputKind::kShuffleInPlace:
        t.blocks = &blocks.emplace_back(store_.map_output_blocks(in.node, in.partition));
        break;
      case task::InputKind::kShuffleWhole: {
        auto& all = blocks.emplace_back();
        for (std::uint32_t r = 0; r < in.partition; ++r) {
          for (detail::Block& b : store_.reduce_input(in.node, r)) all.push_back(std::move(b));
        }
        t.blocks = &all;
        break;
      }
      case task::InputKind::kSlice:
        t.slice = in.slice;
        break;
    }
    if (t.blocks) count_shuffle_read(*t.blocks, report.metrics);
  }
  ctx.output_file = d.output_file;
  if (d.output == task::OutputKind::kShuffle) {
    auto it = registry_.map_runners.find(d.output_node);
    if (it == registry_.map_runners.end())
      throw std::logic_error("no shuffle writer for node " + std::to_string(d.output_node));
    detail::MapOutput out;
    out.buckets = d.num_buckets;
    it->second(ctx, out);
    report.metrics.shuffle_records_written = out.records;
    for (const auto& [bucket, bytes] : out.bucket_sizes()) {
      report.bucket_ids.push_back(bucket);
      report.bucket_sizes.push_back(bytes);
    }
    report.sample = std::move(out.sample);
    out.sample = {};
    // A spilled output's runs depend on the executor's memory: only whole outputs compare.
    if (d.check && out.spilled.empty()) report.output_hash = hash_of(out.data);
    if (keep) store_.put_map_output(d.output_node, d.partition, std::move(out));
  } else {
    auto it = registry_.result_runners.find(d.output_node);
    if (it == registry_.result_runners.end())
      throw std::logic_error("no result runner for node " + std::to_string(d.output_node));
    report.result = it->second(ctx);
    if (d.check) report.output_hash = hash_of(report.result);
  }
}

}  // namespace dataflow::exec
