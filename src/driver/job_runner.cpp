// The driver's job loop: stages in order, tasks scheduled dynamically with retries.
#include "driver/job_runner.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <deque>
#include <map>
#include <optional>
#include <vector>

#include "common/signals.hpp"
#include "dataflow/error.hpp"
#include "driver/progress.hpp"
#include "io/input_paths.hpp"
#include "io/text_splits.hpp"
#include "plan/planner.hpp"
#include "result/output_committer.hpp"
#include "shuffle/placement.hpp"

namespace dataflow::driver {
namespace {

using detail::OpKind;

// The scheduler wakes at least this often to notice signals and timeouts.
constexpr std::chrono::milliseconds kWake{100};

// What the driver resolved for one stage before running it.
struct StageInputs {
  std::uint32_t partitions = 0;
  std::vector<detail::TextSplit> splits;  // text source
  std::vector<std::int32_t> owners;       // shuffle input: executor of each partition
  std::uint32_t buckets = 0;              // shuffle output: reduce partitions
};

// Lists the inputs of every stage of `plan`: text splits, partition counts, reduce
// partitions. `slots` (the executors' task threads) spreads a small input over them, as
// Spark's bytesPerCore does. Throws Error(kNoInput) for a missing input.
std::vector<StageInputs> resolve_inputs(const dag::Graph& graph, const plan::Plan& plan, const Config& config,
                                        int slots) {
  std::vector<StageInputs> inputs(plan.stages.size());
  std::map<int, std::uint32_t> shuffle_partitions;
  for (const plan::Stage& s : plan.stages) {
    StageInputs& in = inputs[s.id];
    const auto& node = graph.node(s.input_node);
    if (node.kind == OpKind::kTextFile) {
      in.splits = io::plan_splits(io::expand_inputs(node.paths), config.split_size,
                                  static_cast<std::uint32_t>(std::max(1, slots)));
      in.partitions = static_cast<std::uint32_t>(in.splits.size());
    } else if (node.kind == OpKind::kParallelize) {
      in.partitions = node.partitions;
    } else {
      in.partitions = shuffle_partitions.at(s.input_node);
    }
    if (s.output == plan::StageOutput::kShuffle) {
      const auto& wide = graph.node(s.output_node);
      std::uint32_t r = wide.partitions;
      if (r == 0) r = static_cast<std::uint32_t>(config.default_parallelism);
      if (r == 0) r = in.partitions;
      in.buckets = r == 0 ? 1 : r;
      shuffle_partitions[s.output_node] = in.buckets;
    }
  }
  return inputs;
}

std::vector<plan::StageSize> sizes_of(const std::vector<StageInputs>& inputs) {
  std::vector<plan::StageSize> sizes;
  for (const auto& in : inputs) sizes.push_back({in.partitions, in.buckets});
  return sizes;
}

class Job {
 public:
  Job(const dag::Graph& graph, Backend& backend, const Config& config, std::uint64_t id, const std::string& program)
      : graph_(graph),
        backend_(backend),
        config_(config),
        id_(id),
        program_(program),
        progress_(config.progress, std::chrono::seconds(config.progress_interval_seconds)) {}

  std::string run(int action) {
    plan_ = plan::make_plan(graph_, action);
    const auto& target = graph_.node(action);
    backend_.begin_job(id_, plan_.fingerprint, detail::op_name(target.kind));
    int slots = 0;
    for (int e = 0; e < backend_.executors(); ++e) slots += backend_.slots(e);
    inputs_ = resolve_inputs(graph_, plan_, config_, slots);
    if (config_.explain) {
      const std::string text = plan::explain(graph_, plan_, sizes_of(inputs_));
      std::fprintf(stderr, "== Job %llu (%s) ==\n%s", static_cast<unsigned long long>(id_),
                   detail::op_name(target.kind), text.c_str());
      std::fflush(stderr);
    }
    if (target.kind == OpKind::kSaveAsTextFile) {
      committer_.emplace(target.paths.at(0));
      committer_->setup();
    }
    try {
      for (const plan::Stage& s : plan_.stages) run_stage(s);
      stop_if_signalled();  // never start a commit after a signal
      if (committer_) committer_->commit_job();
    } catch (...) {
      if (committer_) committer_->abort();
      throw;
    }
    std::string out;
    for (auto& r : results_) out += r;
    return out;
  }

 private:
  static void stop_if_signalled() {
    if (const int sig = common::pending_signal()) {
      throw Unrecoverable(common::signal_message(sig) + "; the job stopped at a task boundary, no output was committed",
                          common::exit_code_for_signal(sig));
    }
  }

  // A task past --task-timeout, or an executor silent past --network-timeout while it runs
  // tasks, cannot be stopped from here (a thread cannot be cancelled; a stopped process does
  // not answer): the job ends on every rank.
  void check_timeouts(const plan::Stage& s, const std::vector<int>& where,
                      const std::vector<std::chrono::steady_clock::time_point>& launched,
                      const std::vector<int>& running) const {
    const auto now = std::chrono::steady_clock::now();
    for (std::size_t e = 0; e < running.size(); ++e) {
      if (running[e] == 0 || config_.network_timeout_seconds <= 0) continue;
      if (backend_.silent_for(static_cast<int>(e)) < std::chrono::seconds(config_.network_timeout_seconds)) continue;
      std::string tasks;
      for (std::size_t p = 0; p < where.size(); ++p) {
        if (where[p] == static_cast<int>(e)) tasks += (tasks.empty() ? "" : ", ") + std::to_string(p);
      }
      throw Unrecoverable("rank " + std::to_string(backend_.rank_of_executor(static_cast<int>(e))) +
                          " has sent nothing for " + std::to_string(config_.network_timeout_seconds) +
                          " s (--network-timeout) while running stage " + std::to_string(s.id) + ", partition " +
                          tasks + "; it is stopped or its node is lost",
                          70, /*rank_lost=*/true);
    }
    if (config_.task_timeout_seconds <= 0) return;
    for (std::size_t p = 0; p < where.size(); ++p) {
      if (where[p] < 0 || now - launched[p] < std::chrono::seconds(config_.task_timeout_seconds)) continue;
      throw Unrecoverable("task of stage " + std::to_string(s.id) + ", partition " + std::to_string(p) + " on rank " +
                          std::to_string(backend_.rank_of_executor(where[p])) + " has run longer than --task-timeout " +
                          std::to_string(config_.task_timeout_seconds) + " s");
    }
  }

  task::Descriptor descriptor(const plan::Stage& s, std::uint32_t partition, std::uint32_t attempt) const {
    const StageInputs& in = inputs_[s.id];
    task::Descriptor d;
    d.job = id_;
    d.stage = s.id;
    d.partition = partition;
    d.attempt = attempt;
    d.fingerprint = plan_.fingerprint;
    d.input_node = s.input_node;
    const auto kind = graph_.node(s.input_node).kind;
    if (kind == OpKind::kTextFile) {
      d.input = task::InputKind::kTextSplit;
      d.split = in.splits[partition];
      d.split.max_line_size = config_.max_line_size;
    } else if (kind == OpKind::kParallelize) {
      d.input = task::InputKind::kSlice;
      const auto& slices = graph_.node(s.input_node).slices;
      if (partition < slices.size()) d.slice = slices[partition];
    } else {
      d.input = task::InputKind::kShuffle;
    }
    d.output_node = s.output_node;
    if (s.output == plan::StageOutput::kShuffle) {
      d.output = task::OutputKind::kShuffle;
      d.num_buckets = in.buckets;
    } else {
      d.output = task::OutputKind::kResult;
      if (committer_) d.output_file = committer_->attempt_file(partition, attempt);
    }
    return d;
  }

  void run_stage(const plan::Stage& s) {
    StageInputs& in = inputs_[s.id];
    const int executors = backend_.executors();
    // Tasks of a stage reading a shuffle must run where their partition's blocks are.
    // One shared queue, or one per executor when partitions are placed.
    const bool placed = !in.owners.empty();
    std::vector<std::deque<std::uint32_t>> queues(placed ? static_cast<std::size_t>(executors) : 1);
    auto queue_of = [&](int executor) -> std::deque<std::uint32_t>& {
      return queues[placed ? static_cast<std::size_t>(executor) : 0];
    };
    for (std::uint32_t p = 0; p < in.partitions; ++p) queue_of(placed ? in.owners[p] : 0).push_back(p);
    std::vector<std::uint32_t> attempts(in.partitions, 0);
    std::vector<int> running(static_cast<std::size_t>(executors), 0);
    // Shuffle output: bytes per reduce partition, summed over the map tasks' reports.
    std::vector<std::uint64_t> bucket_bytes(s.output == plan::StageOutput::kShuffle ? in.buckets : 0, 0);
    std::vector<int> runs_on(in.partitions, -1);  // the executor running each partition's attempt
    std::vector<std::chrono::steady_clock::time_point> launched(in.partitions);
    if (s.output == plan::StageOutput::kResult) results_.assign(in.partitions, {});
    std::uint32_t done = 0;
    std::uint32_t in_flight = 0;
    int total_slots = 0;
    for (int e = 0; e < executors; ++e) total_slots += backend_.slots(e);
    progress_.start_stage(s.id, in.partitions);
    while (done < in.partitions) {
      for (int e = 0; e < executors; ++e) {
        auto& q = queue_of(e);
        // While many tasks wait, queue one more per slot at the executor, so it never idles
        // for a driver round trip between short tasks; near the end of the stage, do not,
        // so the last tasks go to whichever executor frees a slot first.
        const int slots = backend_.slots(e);
        const int limit = q.size() >= static_cast<std::size_t>(2 * total_slots) ? 2 * slots : slots;
        while (running[static_cast<std::size_t>(e)] < limit && !q.empty()) {
          const std::uint32_t p = q.front();
          q.pop_front();
          backend_.launch(e, descriptor(s, p, attempts[p]));
          runs_on[p] = e;
          launched[p] = std::chrono::steady_clock::now();
          ++running[static_cast<std::size_t>(e)];
          ++in_flight;
        }
      }
      progress_.update(done, in_flight);
      if (in_flight == 0) throw Error(ExitCode::kSoftware, "scheduler: no task can run (internal error)");
      std::optional<task::TaskReport> report = backend_.wait_report(std::min(progress_.next_update(), kWake));
      stop_if_signalled();
      check_timeouts(s, runs_on, launched, running);
      if (!report) continue;
      task::TaskReport& r = *report;
      if (r.stage != s.id || r.partition >= in.partitions || r.attempt != attempts[r.partition]) continue;
      const int e = backend_.executor_of_rank(r.rank);
      runs_on[r.partition] = -1;
      --running[static_cast<std::size_t>(e)];
      --in_flight;
      if (r.ok) {
        ++done;
        if (s.output == plan::StageOutput::kShuffle) {
          add_bucket_sizes(r, bucket_bytes);
        } else {
          results_[r.partition] = std::move(r.result);
          if (committer_) committer_->commit_task(r.partition, r.attempt);
        }
      } else {
        const std::uint32_t failures = ++attempts[r.partition];
        const auto code = static_cast<ExitCode>(r.error_code);
        const bool retry = r.retryable && code == ExitCode::kSoftware &&
                           failures < static_cast<std::uint32_t>(config_.max_task_attempts);
        if (!retry) {
          std::string where = "stage " + std::to_string(s.id) + ", partition " + std::to_string(r.partition) +
                              ", rank " + std::to_string(r.rank);
          if (code == ExitCode::kSoftware && r.retryable) {
            throw Error(code, "Job aborted: task failed " + std::to_string(failures) + " times (" + where +
                                  "); last error: " + r.error);
          }
          throw Error(code, r.error + " (" + where + ")");
        }
        // Spark's "Lost task" line, so that a recovered failure is visible.
        std::fprintf(stderr, "%s: warning: lost task %u of stage %u on rank %d (attempt %u of %d): %s; retrying\n",
                     program_.c_str(), r.partition, s.id, r.rank, failures, config_.max_task_attempts, r.error.c_str());
        std::fflush(stderr);
        queue_of(e).push_front(r.partition);
      }
    }
    progress_.finish_stage();
    if (s.output == plan::StageOutput::kShuffle) exchange(s, bucket_bytes);
  }

  static void add_bucket_sizes(const task::TaskReport& r, std::vector<std::uint64_t>& bytes) {
    for (std::size_t i = 0; i < r.bucket_ids.size(); ++i) {
      if (r.bucket_ids[i] >= bytes.size()) {
        throw Error(ExitCode::kSoftware, "rank " + std::to_string(r.rank) + " reported reduce partition " +
                                             std::to_string(r.bucket_ids[i]) + " of " + std::to_string(bytes.size()));
      }
      bytes[r.bucket_ids[i]] += r.bucket_sizes[i];
    }
  }

  void exchange(const plan::Stage& s, const std::vector<std::uint64_t>& bytes) {
    task::ExchangeOrder order;
    order.job = id_;
    order.shuffle_node = s.output_node;
    order.round_bytes = config_.shuffle_round_bytes;
    order.owner = shuffle::place_partitions(bytes, backend_.executors());
    backend_.exchange(order);
    for (const plan::Stage& child : plan_.stages) {
      if (child.input_node == s.output_node) inputs_[child.id].owners = order.owner;
    }
  }

  const dag::Graph& graph_;
  Backend& backend_;
  const Config& config_;
  std::uint64_t id_;
  std::string program_;
  Progress progress_;
  plan::Plan plan_;
  std::vector<StageInputs> inputs_;
  std::vector<std::string> results_;
  std::optional<result::OutputCommitter> committer_;
};

}  // namespace

std::string run_job(const dag::Graph& graph, int action, Backend& backend, const Config& config, std::uint64_t job,
                    const std::string& program) {
  return Job(graph, backend, config, job, program).run(action);
}

std::string explain(const dag::Graph& graph, int node, const Config& config, int slots) {
  const plan::Plan plan = plan::make_plan(graph, node);
  std::vector<plan::StageSize> sizes;
  try {
    sizes = sizes_of(resolve_inputs(graph, plan, config, slots));
  } catch (const Error&) {  // an input is missing: explain what can be explained
  }
  return plan::explain(graph, plan, sizes);
}

}  // namespace dataflow::driver
