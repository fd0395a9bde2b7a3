// The driver's job loop: stages in order, tasks scheduled dynamically with retries.
#include "driver/job_runner.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "common/signals.hpp"
#include "dataflow/error.hpp"
#include "driver/event_log.hpp"
#include "driver/job_events.hpp"
#include "driver/progress.hpp"
#include "driver/resolve_inputs.hpp"
#include "driver/resume_shuffles.hpp"
#include "driver/spmd_check.hpp"
#include "driver/stage_tasks.hpp"
#include "plan/partitions.hpp"
#include "plan/planner.hpp"
#include "result/output_committer.hpp"
#include "shuffle/placement.hpp"

namespace dataflow::driver {
namespace {

using detail::OpKind;

// The scheduler wakes at least this often to notice signals and timeouts.
constexpr std::chrono::milliseconds kWake{100};

// "512 MiB": whole GiB or MiB where exact, else MiB rounded down (bytes below 1 MiB).
std::string memory_text(std::uint64_t bytes) {
  constexpr std::uint64_t kMiB = std::uint64_t{1} << 20;
  if (bytes >= (kMiB << 10) && bytes % (kMiB << 10) == 0) return std::to_string(bytes >> 30) + " GiB";
  if (bytes >= kMiB) return std::to_string(bytes >> 20) + " MiB";
  return std::to_string(bytes) + " bytes";
}

class Job {
 public:
  Job(const dag::Graph& graph, Backend& backend, const Config& config, std::uint64_t id, const std::string& program,
      const RangePartitioners& ranges, Reuse& reuse, const SpmdCheck& check, EventLog* events, ResumeState* resume)
      : resume_(resume),
        check_(check),
        graph_(graph),
        ranges_(ranges),
        reuse_(reuse),
        backend_(backend),
        config_(config),
        id_(id),
        program_(program),
        progress_(config.progress, std::chrono::seconds(config.progress_interval_seconds)),
        events_(events, id, std::chrono::seconds(config.metrics_interval_seconds)) {}

  std::string run(int action) {
    const auto& target = graph_.node(action);
    backend_.begin_job(id_, plan::fingerprint(graph_, action), detail::op_name(target.kind));
    progress_.set_job("Job " + std::to_string(id_) + " (" + detail::op_name(target.kind) + ")");
    int slots = 0;
    for (int e = 0; e < backend_.executors(); ++e) slots += backend_.slots(e);
    if (resume_) {
      resume_->open();
      load_stored_shuffles(graph_, action, backend_, config_, slots, id_, reuse_, *resume_);
    }
    // Kept shuffles are read where they are, unless one task would read two that an earlier
    // job placed apart: then the later one is computed again, placed beside the other.
    std::set<int> reused = reuse_.shuffle_nodes();
    for (;;) {
      plan_ = plan::make_plan(graph_, action, reused);
      resolved_ = resolve_inputs(graph_, plan_, config_, slots, reuse_);
      const int apart = misplaced_shuffle();
      if (apart < 0) break;
      reused.erase(apart);
    }
    for (int w : plan_.reused) {
      owners_[w] = reuse_.shuffles.at(w).owners;
      progress_.skipped(w, graph_.node(w).label, std::exchange(reuse_.shuffles.at(w).resumed, false));
    }
    if (config_.explain) {
      const std::string text = plan::explain(graph_, plan_, resolved_.sizes, resolved_.counts);
      const int executors = backend_.executors();
      const std::string memory = config_.executor_memory ? memory_text(config_.executor_memory) : "automatic";
      std::fprintf(stderr, "== Job %llu (%s) ==\nexecutor memory: %s per executor (%d executor%s)\n%s%s",
                   static_cast<unsigned long long>(id_), detail::op_name(target.kind), memory.c_str(), executors,
                   executors == 1 ? "" : "s", text.c_str(),
                   cached_partitions_text(graph_, plan_, resolved_.sizes, reuse_).c_str());
      std::fflush(stderr);
    }
    events_.job_start(graph_, plan_, resolved_, detail::op_name(target.kind));
    if (target.kind == OpKind::kSaveAsTextFile || target.kind == OpKind::kSaveAsBinaryRecords) {
      committer_.emplace(target.paths.at(0), target.label == "checkpoint");  // ops/persist.hpp's label
      committer_->setup();
    }
    try {
      for (const plan::Stage& s : plan_.stages) {
        try {
          if (target.kind == OpKind::kTake && s.id + 1 == plan_.stages.size()) {
            run_take(s, target.limit);
          } else {
            run_stage(s);
          }
        } catch (const std::exception& e) {
          events_.stage_completed(s, e.what());
          throw;
        }
        events_.stage_completed(s);
      }
      stop_if_signalled();  // never start a commit after a signal
      if (committer_) committer_->commit_job();
    } catch (...) {
      if (committer_) committer_->abort();
      throw;
    }
    for (int w : exchanged_) reuse_.shuffles[w] = {owners_.at(w)};
    std::string out;
    for (auto& r : results_) out += r;
    return out;
  }

  JobEvents& events() { return events_; }

  // The accumulator updates of the successful tasks, by stage and partition.
  std::string accumulator_updates() const {
    std::string all;
    for (const auto& [task, updates] : accumulator_updates_) all += updates;
    return all;
  }

 private:
  static void stop_if_signalled() {
    if (const int sig = common::pending_signal()) {
      throw Unrecoverable(common::signal_message(sig) +
                              "; the job stopped at a task boundary, no output was committed" + common::resume_hint(),
                          common::exit_code_for_signal(sig));
    }
  }

  // A reused shuffle of plan_ whose partitions one task reads from two executors (beside
  // another reused shuffle, the later of the two; or several of its own, under a coalesce),
  // or -1.
  int misplaced_shuffle() const {
    for (const plan::Stage& s : plan_.stages) {
      if (std::none_of(s.inputs.begin(), s.inputs.end(),
                       [&](int in) { return std::binary_search(plan_.reused.begin(), plan_.reused.end(), in); })) {
        continue;
      }
      for (std::uint32_t p = 0; p < resolved_.sizes[s.id].tasks; ++p) {
        int first = -1, where = -1;
        for (const plan::TaskNode& at : plan::task_layout(graph_, s, resolved_.counts, p).nodes) {
          if (!std::binary_search(plan_.reused.begin(), plan_.reused.end(), at.node)) continue;
          const int owner = reuse_.shuffles.at(at.node).owners.at(at.partition);
          if (first < 0) {
            first = at.node;
            where = owner;
          } else if (owner != where) {
            return std::max(first, at.node);
          }
        }
      }
    }
    return -1;
  }

  // take(n): runs the first partition, then four times as many each round until n records
  // are found (Spark's scale-up), so that first() of a large input reads one split. Each
  // task's result is its record count (8 bytes) and then its first records.
  void run_take(const plan::Stage& s, std::uint64_t limit) {
    const std::uint32_t tasks = resolved_.sizes[s.id].tasks;
    results_.assign(tasks, {});
    std::uint64_t found = 0;
    std::uint32_t first = 0, step = 1;
    while (first < tasks && found < limit) {
      const std::uint32_t last = first + std::min(step, tasks - first);
      run_stage(s, first, last);
      for (std::uint32_t p = first; p < last; ++p) {
        std::uint64_t n = 0;
        if (results_[p].size() < sizeof n) throw Error(ExitCode::kSoftware, "take: a task returned no count");
        std::memcpy(&n, results_[p].data(), sizeof n);
        results_[p].erase(0, sizeof n);
        found += n;
      }
      first = last;
      step = step > tasks ? tasks : step * 4;
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
    return task_descriptor(
        graph_, s, resolved_, config_, id_, plan_.fingerprint, partition, attempt, broadcast_ ? &*broadcast_ : nullptr,
        committer_ && s.output != plan::StageOutput::kShuffle ? committer_->attempt_file(partition, attempt)
                                                              : std::string());
  }

  // The executor holding a persisted block that task `partition` of `s` reads, or -1.
  int cached_home_of(const plan::Stage& s, std::uint32_t partition) const {
    if (reuse_.cached.empty()) return -1;
    for (const plan::TaskNode& at : plan::task_layout(graph_, s, resolved_.counts, partition).nodes) {
      auto it = reuse_.cached.find(at.node);
      if (it != reuse_.cached.end() && at.partition < it->second.size() && it->second[at.partition] >= 0) {
        return it->second[at.partition];
      }
    }
    return -1;
  }

  // Where the executors' reports say persisted blocks now are.
  void note_cached(const task::TaskReport& r, int executor) {
    for (std::size_t i = 0; i < r.dropped_nodes.size(); ++i) {
      auto it = reuse_.cached.find(r.dropped_nodes[i]);
      if (it == reuse_.cached.end() || r.dropped_partitions[i] >= it->second.size()) continue;
      if (it->second[r.dropped_partitions[i]] == executor) it->second[r.dropped_partitions[i]] = -1;
    }
    for (std::size_t i = 0; i < r.cached_nodes.size(); ++i) {
      const int node = r.cached_nodes[i];
      if (node < 0 || node >= graph_.size()) continue;
      auto& where = reuse_.cached[node];
      const std::uint32_t partitions = resolved_.counts.count(node) ? resolved_.counts.at(node) : 0;
      if (where.size() < partitions) where.resize(partitions, -1);
      if (r.cached_partitions[i] < where.size()) where[r.cached_partitions[i]] = executor;
    }
  }

  // The executor that must run task `partition` of `s` (the owner of the shuffle partitions
  // it reads), or -1 when any may.
  int home_of(const plan::Stage& s, std::uint32_t partition) const {
    if (broadcast_ && broadcast_->stage == s.id) return map_homes_.at(broadcast_->left).at(partition);
    for (const plan::TaskNode& at : plan::task_layout(graph_, s, resolved_.counts, partition).nodes) {
      auto it = owners_.find(at.node);
      if (it != owners_.end() && it->second.at(at.partition) >= 0) return it->second.at(at.partition);
    }
    return -1;  // (a broadcast shuffle's partitions are on every executor)
  }

  // Sends a broadcast join's right side to every executor; the left side stays put, and the
  // stage runs one task per left map output, where it is.
  void start_broadcast_join(const plan::Stage& s, const BroadcastJoin& b) {
    broadcast_ = b;
    const std::uint32_t right_partitions = resolved_.counts.at(b.right);
    task::ExchangeOrder order;
    order.job = id_;
    order.shuffle_node = b.right;
    order.round_bytes = config_.shuffle_round_bytes;
    order.owner.assign(right_partitions, 0);
    order.broadcast = true;
    exchange(order);
    owners_[b.right] = std::vector<std::int32_t>(right_partitions, -1);  // everywhere
    resolved_.sizes[s.id].tasks = static_cast<std::uint32_t>(map_homes_.at(b.left).size());
    if (config_.explain) {
      std::fprintf(stderr,
                   "Stage %u: broadcast join: the right side (#%d, %llu bytes) goes to every executor; the left "
                   "side (#%d) is read where its %u map tasks ran\n",
                   s.id, b.right, static_cast<unsigned long long>(b.right_bytes), b.left, resolved_.sizes[s.id].tasks);
      std::fflush(stderr);
    }
  }

  // Runs tasks [first, last) of stage `s` (all of them when last is 0).
  void run_stage(const plan::Stage& s, std::uint32_t first = 0, std::uint32_t last = 0) {
    if (first == 0 && last == 0) {
      const ShuffleState shuffles{ranges_, owners_, bucket_bytes_, map_homes_};
      if (const auto b = broadcast_join(graph_, s, config_.broadcast_join_threshold, shuffles)) {
        start_broadcast_join(s, *b);
      }
    }
    exchange_inputs(s);
    const std::uint32_t tasks = resolved_.sizes[s.id].tasks;
    if (last == 0 || last > tasks) last = tasks;
    if (first == 0) events_.stage_submitted(s, tasks, resolved_.sizes[s.id].buckets);
    const int executors = backend_.executors();
    // Tasks reading a shuffle must run where their partition's blocks are: one queue per
    // executor, and a shared one (the last) for tasks any executor may run. Tasks reading a
    // persisted block run where it is, after the executor's own (computing the block again
    // elsewhere costs more than waiting: the first job spread the blocks as it ran).
    std::vector<std::deque<std::uint32_t>> queues(static_cast<std::size_t>(executors) + 1);
    std::vector<std::deque<std::uint32_t>> preferred(static_cast<std::size_t>(executors));
    std::vector<int> home(tasks, -1);
    for (std::uint32_t p = first; p < last; ++p) {
      home[p] = home_of(s, p);
      const int cached = home[p] < 0 ? cached_home_of(s, p) : -1;
      if (cached >= 0 && cached < executors) {
        preferred[static_cast<std::size_t>(cached)].push_back(p);
      } else {
        queues[home[p] < 0 ? queues.size() - 1 : static_cast<std::size_t>(home[p])].push_back(p);
      }
    }
    auto& shared = queues.back();
    // The next task for executor e: its own, those whose blocks it holds, any.
    auto next_task = [&](int e) -> std::optional<std::uint32_t> {
      for (auto* q : {&queues[static_cast<std::size_t>(e)], &preferred[static_cast<std::size_t>(e)], &shared}) {
        if (q->empty()) continue;
        const std::uint32_t p = q->front();
        q->pop_front();
        return p;
      }
      return std::nullopt;
    };
    auto waiting_for = [&](int e) {
      return queues[static_cast<std::size_t>(e)].size() + preferred[static_cast<std::size_t>(e)].size() + shared.size();
    };
    std::vector<std::uint32_t> attempts(tasks, 0);
    std::vector<int> running(static_cast<std::size_t>(executors), 0);
    // Shuffle output: bytes per reduce partition, summed over the map tasks' reports.
    auto& bucket_bytes = bucket_bytes_[s.output_node];
    if (s.output == plan::StageOutput::kShuffle) bucket_bytes.assign(resolved_.sizes[s.id].buckets, 0);
    std::vector<std::string>* samples = nullptr;  // a range shuffle's key samples, by map partition
    if (s.output == plan::StageOutput::kShuffle && ranges_.count(s.output_node)) {
      samples = &samples_[s.output_node];
      samples->assign(tasks, {});
    }
    std::vector<int> runs_on(tasks, -1);          // the executor running each partition's attempt
    auto& map_homes = map_homes_[s.output_node];  // shuffle output: where each map output is
    if (s.output == plan::StageOutput::kShuffle) map_homes.assign(tasks, -1);
    std::vector<std::chrono::steady_clock::time_point> launched(tasks);
    if (s.output == plan::StageOutput::kResult) results_.resize(tasks);
    const std::uint32_t todo = last - first;
    std::uint32_t done = 0;
    std::uint32_t in_flight = 0;
    int total_slots = 0;
    for (int e = 0; e < executors; ++e) total_slots += backend_.slots(e);
    progress_.start_stage(s.id, todo);
    std::optional<task::Descriptor> checked;  // --check-spmd: the stage's task run twice
    bool check_stage = check_ && spmd_checkable(graph_, s);
    while (done < todo) {
      for (int e = 0; e < executors; ++e) {
        // While many tasks wait, queue one more per slot at the executor, so it never idles
        // for a driver round trip between short tasks; near the end of the stage, do not,
        // so the last tasks go to whichever executor frees a slot first.
        const int slots = backend_.slots(e);
        const std::size_t waiting = waiting_for(e);
        const int limit = waiting >= static_cast<std::size_t>(2 * total_slots) ? 2 * slots : slots;
        while (running[static_cast<std::size_t>(e)] < limit) {
          const std::optional<std::uint32_t> next = next_task(e);
          if (!next) break;
          const std::uint32_t p = *next;
          task::Descriptor d = descriptor(s, p, attempts[p]);
          if (check_stage) {  // the first task launched
            d.check = true;
            checked = d;
            check_stage = false;
          }
          backend_.launch(e, d);
          events_.task_launched(p);
          runs_on[p] = e;
          launched[p] = std::chrono::steady_clock::now();
          ++running[static_cast<std::size_t>(e)];
          ++in_flight;
        }
      }
      progress_.update(done, in_flight);
      if (in_flight == 0) throw Error(ExitCode::kSoftware, "scheduler: no task can run (internal error)");
      std::optional<task::TaskReport> report = backend_.wait_report(std::min(progress_.next_update(), kWake));
      events_.sample(backend_);
      stop_if_signalled();
      check_timeouts(s, runs_on, launched, running);
      if (!report) continue;
      task::TaskReport& r = *report;
      note_cached(r, backend_.executor_of_rank(r.rank));
      if (r.stage != s.id || r.partition < first || r.partition >= last || r.attempt != attempts[r.partition]) continue;
      events_.task_end(r);
      const int e = backend_.executor_of_rank(r.rank);
      runs_on[r.partition] = -1;
      --running[static_cast<std::size_t>(e)];
      --in_flight;
      if (r.ok) {
        if (checked && r.partition == checked->partition && r.attempt == checked->attempt) {
          compare_spmd(graph_, s, id_, plan_.target, check_, *checked, r);
          checked.reset();
        }
        ++done;
        // Each task's updates once: a map task run again (its output lost) replaces its own.
        accumulator_updates_[{s.id, r.partition}] = std::move(r.accumulators);
        if (s.output == plan::StageOutput::kShuffle) {
          map_homes[r.partition] = e;
          add_bucket_sizes(r, bucket_bytes);
          if (samples) (*samples)[r.partition] = std::move(r.sample);
        } else {
          if (!committer_) count_result(r.result.size());
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
        queues[home[r.partition] < 0 ? queues.size() - 1 : static_cast<std::size_t>(e)].push_front(r.partition);
      }
    }
    progress_.finish_stage();
  }

  // Spark's spark.driver.maxResultSize: the results an action brings to the driver, summed
  // over its tasks (over every round of a take), stay within --max-result-size.
  void count_result(std::uint64_t bytes) {
    result_bytes_ += bytes;
    ++result_tasks_;
    if (config_.max_result_size == 0 || result_bytes_ <= config_.max_result_size) return;
    throw Error(ExitCode::kSoftware, "Total size of results of " + std::to_string(result_tasks_) + " tasks (" +
                                         std::to_string(result_bytes_) + " bytes) is bigger than --max-result-size (" +
                                         std::to_string(config_.max_result_size) +
                                         " bytes); raise --max-result-size / DATAFLOW_MAX_RESULT_SIZE, or write the "
                                         "output with save_as_text_file instead of collecting it");
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

  // Moves the shuffles `s` reads to the executors of their reduce partitions, once each.
  // The partitions one task reads (partition p of both sides of a join, the run of
  // partitions a coalesce merges) are placed together, on the executor that will run it;
  // tasks are placed by the bytes they read, largest first.
  // Runs the exchange, logged.
  void exchange(const task::ExchangeOrder& order) {
    const std::int64_t start = epoch_ms();
    events_.exchange(order, start, backend_.exchange(order), backend_);
  }

  void exchange_inputs(const plan::Stage& s) {
    if (broadcast_ && broadcast_->stage == s.id) return;  // the right side went everywhere, the left stays
    std::vector<int> shuffles;
    for (int in : s.inputs) {
      if (detail::is_wide(graph_.node(in).kind) && !owners_.count(in)) shuffles.push_back(in);
    }
    if (shuffles.empty()) return;
    const std::uint32_t tasks = resolved_.sizes[s.id].tasks;
    std::vector<std::vector<std::pair<int, std::uint32_t>>> reads(tasks);  // (shuffle, partition) by task
    std::vector<std::uint64_t> bytes(tasks, 0);
    std::vector<int> home(tasks, -1);  // where a shuffle exchanged before has the task's partition
    for (std::uint32_t p = 0; p < tasks; ++p) {
      for (const plan::TaskNode& at : plan::task_layout(graph_, s, resolved_.counts, p).nodes) {
        if (auto it = owners_.find(at.node); it != owners_.end() && home[p] < 0) {
          home[p] = it->second.at(at.partition);
        }
        if (std::find(shuffles.begin(), shuffles.end(), at.node) == shuffles.end()) continue;
        reads[p].emplace_back(at.node, at.partition);
        // A range shuffle's parts are of about equal size by construction: its map tasks
        // reported all their bytes in one unsplit bucket, so count each part as one.
        bytes[p] += ranges_.count(at.node) ? 1 : bucket_bytes_.at(at.node).at(at.partition);
      }
    }
    auto executor = shuffle::place_partitions(bytes, backend_.executors());
    // A task that also reads a shuffle exchanged before (by an earlier stage) runs where that
    // one's partition is, so its new partitions go there too.
    for (std::uint32_t p = 0; p < tasks; ++p) {
      if (home[p] >= 0) executor[p] = home[p];
    }
    for (int w : shuffles) {
      std::vector<std::int32_t> owner(resolved_.counts.at(w), -1);
      for (std::uint32_t p = 0; p < tasks; ++p) {
        for (const auto& [node, r] : reads[p]) {
          if (node == w && owner.at(r) < 0) owner[r] = executor[p];
        }
      }
      for (auto& o : owner) o = std::max(o, 0);  // read by no task of this stage
      task::ExchangeOrder order;
      order.job = id_;
      order.shuffle_node = w;
      order.round_bytes = config_.shuffle_round_bytes;
      order.owner = owner;
      if (auto it = ranges_.find(w); it != ranges_.end()) {
        order.bounds = it->second.bounds(samples_.at(w), static_cast<std::uint32_t>(owner.size()));
      }
      exchange(order);
      owners_[w] = std::move(owner);
      exchanged_.push_back(w);
      if (resume_) store_shuffle(graph_, w, static_cast<std::uint32_t>(owners_.at(w).size()), backend_, id_, *resume_);
    }
  }

  ResumeState* resume_;
  const SpmdCheck& check_;
  const dag::Graph& graph_;
  const RangePartitioners& ranges_;
  Reuse& reuse_;
  Backend& backend_;
  const Config& config_;
  std::uint64_t id_;
  std::string program_;
  Progress progress_;
  JobEvents events_;
  plan::Plan plan_;
  Resolved resolved_;
  std::map<int, std::vector<std::uint64_t>> bucket_bytes_;  // by wide node: bytes per reduce partition
  std::map<int, std::vector<std::int32_t>> owners_;         // by wide node, once exchanged
  std::vector<int> exchanged_;                              // by this job, to keep for later ones
  std::map<int, std::vector<std::string>> samples_;         // range shuffle: key samples by map partition
  std::map<int, std::vector<int>> map_homes_;               // by wide node: the executor of each map output
  std::optional<BroadcastJoin> broadcast_;                  // the broadcast join being run
  std::vector<std::string> results_;
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::string> accumulator_updates_;
  std::uint64_t result_bytes_ = 0;  // the results received so far, for --max-result-size
  std::uint32_t result_tasks_ = 0;
  std::optional<result::OutputCommitter> committer_;
};

}  // namespace

std::string run_job(const dag::Graph& graph, int action, Backend& backend, const Config& config, std::uint64_t job,
                    const std::string& program, const RangePartitioners& ranges, Reuse& reuse,
                    std::string& accumulator_updates, const SpmdCheck& check, EventLog* events, ResumeState* resume) {
  Job j(graph, backend, config, job, program, ranges, reuse, check, events, resume);
  std::string result;
  try {
    result = j.run(action);
  } catch (const Error& e) {
    j.events().job_failed(e.what(), e.exit_code());
    throw;
  } catch (const Unrecoverable& e) {
    j.events().job_failed(e.what(), e.exit_code());
    throw;
  } catch (const std::exception& e) {
    j.events().job_failed(std::string("internal error: ") + e.what(), static_cast<int>(ExitCode::kSoftware));
    throw;
  }
  accumulator_updates = j.accumulator_updates();
  return result;
}

std::uint32_t partitions_of(const dag::Graph& graph, int node, const Config& config, int slots, const Reuse& reuse) {
  const plan::Plan plan = plan::make_plan(graph, node, reuse.shuffle_nodes());
  return resolve_inputs(graph, plan, config, slots, reuse).sizes.back().tasks;
}

std::string explain(const dag::Graph& graph, int node, const Config& config, int slots, const Reuse& reuse) {
  const plan::Plan plan = plan::make_plan(graph, node, reuse.shuffle_nodes());
  Resolved resolved;
  try {
    resolved = resolve_inputs(graph, plan, config, slots, reuse);
  } catch (const Error&) {  // an input is missing: explain what can be explained
    resolved = {};
  }
  return plan::explain(graph, plan, resolved.sizes, resolved.counts);
}

}  // namespace dataflow::driver
