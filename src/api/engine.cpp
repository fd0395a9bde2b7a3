// Engine: role setup, job entry on driver and executors (the resource report is
// engine_resources.cpp).
#include "api/engine.hpp"

#include <sched.h>
#include <sys/stat.h>

#include <unistd.h>
#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <exception>
#include <filesystem>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "common/env_config.hpp"
#include "common/malloc_tuning.hpp"
#include "common/memory_budget.hpp"
#include "common/program_name.hpp"
#include "common/signals.hpp"
#include "dataflow/error.hpp"
#include "driver/event_log.hpp"
#include "driver/job_runner.hpp"
#include "driver/local_backend.hpp"
#include "driver/mpi_backend.hpp"
#include "exec/executor_loop.hpp"
#include "io/bad_records.hpp"
#include "io/hdf5_handle.hpp"
#include "plan/planner.hpp"
#include "storage/corruption_fault.hpp"
#include "task/wire.hpp"

namespace dataflow::detail {

using dataflow::Error;
using dataflow::ExitCode;
using dataflow::JobError;
namespace {

// The cores one executor may use when no flag says: a Slurm task's CPUs, else the node's
// cores shared among the executors on it, never more than this process may run on.
int node_share_of_cores(int executors_on_node, bool local) {
  if (const char* s = std::getenv("SLURM_CPUS_PER_TASK"); s && std::atoi(s) > 0) return std::atoi(s);
  cpu_set_t set;
  CPU_ZERO(&set);
  int allowed = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 1;
  if (local) return std::max(1, allowed);
  const int hw = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return std::max(1, std::min(allowed, hw / std::max(1, executors_on_node)));
}

std::string fault_text() {
  const char* f = std::getenv("DATAFLOW_FAULT");
  return f ? f : "";
}

// The engine of this process, for the terminate handler; one Session per process.
Engine* g_engine = nullptr;
std::terminate_handler g_previous_terminate = nullptr;

// An exception escaped main (a Session used without dataflow::run): keep the exit-code
// contract instead of aborting with a backtrace on every rank.
void on_terminate() {
  if (Engine* engine = g_engine; engine && std::current_exception()) {
    g_engine = nullptr;  // a second terminate, from inside the handler, aborts
    try {
      std::rethrow_exception(std::current_exception());
    } catch (const JobError& e) {
      engine->end_uncaught(e.what(), e.exit_code(), true);
    } catch (const Error& e) {
      engine->end_uncaught(e.what(), e.exit_code(), false);
    } catch (const std::exception& e) {
      engine->end_uncaught(e.what(), static_cast<int>(ExitCode::kSoftware), false);
    } catch (...) {
      engine->end_uncaught("unknown exception", static_cast<int>(ExitCode::kSoftware), false);
    }
  }
  if (g_previous_terminate) g_previous_terminate();
  std::abort();
}

// How long the driver waits for executors to acknowledge a shutdown before it aborts them.
constexpr std::chrono::milliseconds kShutdownWait{5000};
// How long an executor whose program failed waits for the driver to end the program.
constexpr std::chrono::milliseconds kErrorWait{10000};

}  // namespace

Engine::Engine(int& argc, char**& argv)
    : world_(argc, argv), start_(std::chrono::steady_clock::now()), program_(common::program_name(argc, argv)) {
  // Again, with the rank MPI_Init gave (which may have replaced them), before anything that
  // a signal would have to clean up: the local directory below.
  common::install_signal_handlers(world_.rank(), program_);
  io::h5::initialize();  // on the main thread, before any task thread touches HDF5
  // Settings errors must not split the ranks: every rank reads the same environment, but
  // compute the verdict collectively anyway before anyone throws.
  std::string error;
  exec::FaultSpec fault;
  const bool executor = world_.rank() > 0 || world_.size() == 1;
  try {
    config_ = common::config_from_env();
    fault = exec::parse_fault(fault_text());
    if (executor) {
      local_base_ = local_dir_base(config_.local_dir);
      local_dir_ = std::make_unique<LocalDir>(local_base_);
    } else {
      local_base_ = local_dir_base(config_.local_dir);
      check_local_dir_base(local_base_);  // so that rank 0 names a bad one too
    }
  } catch (const Error& e) {
    error = e.what();
  }
  // Every executor gets the smallest executor's budget (in whole KiB, at most 2 TiB), so that
  // all of them cut exchange rounds alike.
  std::uint64_t budget = config_.executor_memory;
  if (budget == 0) budget = common::default_executor_memory(common::read_memory_facts(world_.executors_on_node()));
  const int kib = static_cast<int>(std::clamp<std::uint64_t>(budget >> 10, 1, INT_MAX));
  config_.executor_memory = static_cast<std::uint64_t>(world_.min_over_ranks(executor ? kib : INT_MAX)) << 10;
  const int mine = node_share_of_cores(world_.executors_on_node(), world_.size() == 1);
  auto_cores_ = world_.min_over_ranks(world_.rank() == 0 && world_.size() > 1 ? INT_MAX : mine);
  // The DataFrame optimizer shapes every rank's plan: on only where it is on everywhere.
  config_.optimizer = world_.min_over_ranks(config_.optimizer ? 1 : 0) == 1;
  if (world_.min_over_ranks(error.empty() ? 1 : 0) == 0) {
    if (error.empty()) error = "bad DATAFLOW_* setting on another rank";
    // Reported here, before MPI_Finalize: once a rank exits non-zero, mpirun kills the rest.
    if (world_.rank() == 0) {
      std::fprintf(stderr, "%s: error: %s\n", common::program_name(argc, argv).c_str(), error.c_str());
      std::fflush(stderr);
    }
    throw Error(ExitCode::kConfig, error);
  }
  if (world_.rank() == 0) {
    for (const auto& w : common::unknown_settings(environ))
      std::fprintf(stderr, "%s: warning: %s\n", program_.c_str(), w.c_str());
  }
  // Freed buffers kept for the next task (common/malloc_tuning.hpp), within a share of the
  // budget; the driver's too, which decodes what actions gather.
  common::tune_malloc(config_.executor_memory);
  if (executor) {
    memory_ = std::make_unique<MemoryPool>(config_.executor_memory);
    store_.set_memory({memory_.get(), local_dir_.get()});
    cache_.set_memory({memory_.get(), local_dir_.get()});
  }
  cache_.set_program(program_);
  if (fault.action == exec::FaultSpec::Action::kFlip && (fault.rank < 0 || fault.rank == world_.rank())) {
    arm_flip(static_cast<Flip>(fault.flip));
  }
  runner_ = std::make_unique<exec::TaskRunner>(registry_, store_, cache_, config_, world_.rank(), fault);
  // Before any of the program's, so its id is the one tasks report skipped lines under.
  if (add_accumulator(bad_records_.hooks()) != io::kBadRecordsAccumulator) {
    throw std::logic_error("the bad records accumulator must be the first");
  }
  g_engine = this;
  g_previous_terminate = std::set_terminate(on_terminate);
}

Engine* Engine::instance() { return g_engine; }

Engine::~Engine() {
  releaser_.reset();  // handles that outlive the engine release nothing
  if (world_.rank() == 0) bad_records_.warn(program_);
  // The program succeeded: what --resume-dir stored is of no more use.
  if (resume_ && exit_code_ == 0 && !config_.keep_resume_state) resume_->remove_all();
  // The program's work is done: a signal from here on changes neither its code nor its output.
  common::ignore_signals_while_leaving();
  finish_program();
  end_event_log(exit_code_);
  std::set_terminate(g_previous_terminate);
  g_engine = nullptr;
  backend_.reset();
  pool_.reset();
  if (std::getenv("DATAFLOW_RESOURCE_REPORT")) report_resources();
}

void Engine::finish_program() {
  if (finished_ || world_.size() == 1) return;
  finished_ = true;
  if (world_.rank() == 0) {
    try {
      backend().end_program(jobs_);
    } catch (const driver::Unrecoverable& e) {
      end_now(e.what(), e.exit_code(), e.rank_lost());
    }
    return;
  }
  task::Hello hello;
  hello.job = jobs_;
  hello.finished = true;
  world_.send(0, net::kTagHello, task::encode(hello));
  net::Backoff backoff;
  for (;;) {
    if (auto m = world_.try_receive(0, net::kTagShutdown)) {
      const auto shutdown = task::decode<task::Shutdown>(m->bytes);
      if (shutdown.exit_code == 0) return;
      common::ignore_signals_while_leaving();
      world_.send(0, net::kTagShutdownAck, {});
      world_.finalize_and_exit(shutdown.exit_code);
    }
    backoff.wait();
  }
}

void Engine::end_now(const std::string& message, int code, bool rank_lost) {
  if (common::claim_error_line()) std::fprintf(stderr, "%s: error: %s\n", program_.c_str(), message.c_str());
  std::fflush(stderr);
  end_event_log(code);
  common::ignore_signals_while_leaving();
  if (common::pending_signal()) {
    // The launcher is ending every rank and SIGKILLs the rest a second later: tell the
    // executors (they clean up, then answer), wait for them or their watchers, and leave.
    common::run_cleanups_now();  // first: an executor that leaves first has mpirun kill this one
    if (world_.size() > 1) backend().shutdown(code, common::wait_for_executor_cleanup());
    world_.leave(code);
  }
  const auto wait = rank_lost ? std::chrono::milliseconds(500) : kShutdownWait;
  if (backend().shutdown(code, wait)) world_.finalize_and_exit(code);
  world_.abort(code);  // some rank is stuck in its own code or stopped and cannot hear the driver
}

void Engine::end_uncaught(const char* what, int code, bool every_rank) {
  if (every_rank) {
    common::set_in_job(false);
    if (world_.rank() == 0) std::fprintf(stderr, "%s: error: %s\n", program_.c_str(), what);
    finish_program();
    common::ignore_signals_while_leaving();
    world_.finalize_and_exit(code);
  }
  end_with_error(what, code);
  world_.finalize_and_exit(code);  // local mode
}

void Engine::end_with_error(const std::string& what, int code) {
  common::set_in_job(false);
  if (world_.size() == 1) {
    std::fprintf(stderr, "%s: error: %s\n", program_.c_str(), what.c_str());
    std::fflush(stderr);
    return;
  }
  finished_ = true;
  if (world_.rank() == 0) end_now(what, code);
  // The driver either failed alike (an SPMD program throws on every rank) and is about to
  // end every rank, or hears this at its next action or at its end.
  task::Hello hello;
  hello.job = jobs_;
  hello.finished = true;
  hello.error_code = code;
  hello.error = what;
  world_.send(0, net::kTagHello, task::encode(hello));
  const auto deadline = std::chrono::steady_clock::now() + kErrorWait;
  net::Backoff backoff;
  while (std::chrono::steady_clock::now() < deadline && !common::pending_signal()) {
    if (auto m = world_.try_receive(0, net::kTagShutdown)) {
      const auto shutdown = task::decode<task::Shutdown>(m->bytes);
      common::ignore_signals_while_leaving();
      world_.send(0, net::kTagShutdownAck, {});
      world_.finalize_and_exit(shutdown.exit_code != 0 ? shutdown.exit_code : code);
    }
    backoff.wait();
  }
  // The driver is busy in code of its own, or blocked where this rank will never join it.
  std::fprintf(stderr, "%s: error: %s (rank %d)\n", program_.c_str(), what.c_str(), world_.rank());
  std::fflush(stderr);
  world_.abort(code);
}

driver::Backend& Engine::backend() {
  if (!backend_) {
    if (world_.size() == 1) {
      backend_ = std::make_unique<driver::LocalBackend>(*runner_, store_, executor_cores());
    } else {
      backend_ = std::make_unique<driver::MpiBackend>(world_);
    }
  }
  return *backend_;
}

int Engine::executor_cores() const { return config_.executor_cores > 0 ? config_.executor_cores : auto_cores_; }

int Engine::default_parallelism() const {
  if (config_.default_parallelism > 0) return config_.default_parallelism;
  const int executors = std::max(1, world_.size() - 1);
  return std::max(2, executors * executor_cores());
}

int Engine::add_node(NodeSpec spec) { return graph_.add(std::move(spec)); }

namespace {

// What keeps a node alive: held by its datasets and by its children's handles.
struct NodeHandle {
  int node;
  std::vector<std::shared_ptr<const void>> parents;
  std::weak_ptr<void> releaser;
  std::function<void(int)> release;
  ~NodeHandle() {
    if (auto alive = releaser.lock()) release(node);
  }
};

}  // namespace

std::shared_ptr<const void> Engine::hold(int node) {
  if (handles_.size() < static_cast<std::size_t>(graph_.size()))
    handles_.resize(static_cast<std::size_t>(graph_.size()));
  if (auto h = handles_.at(static_cast<std::size_t>(node)).lock()) return h;
  auto h = std::make_shared<NodeHandle>();
  h->node = node;
  for (int p : graph_.node(node).parents) h->parents.push_back(hold(p));
  h->releaser = releaser_;
  h->release = [this](int n) { release(n); };
  handles_[static_cast<std::size_t>(node)] = h;
  return h;
}

void Engine::release(int node) {
  store_.drop(node);
  cache_.drop(node);
  reuse_.forget(node);
  const NodeSpec& spec = graph_.node(node);
  if (spec.kind == OpKind::kCheckpoint && world_.rank() == 0 && !spec.paths.empty()) {
    std::error_code ignored;  // best effort: a directory already gone is fine
    std::filesystem::remove_all(spec.paths[0], ignored);
    if (--live_checkpoints_ == 0) checkpoint_root_.reset();  // made again by the next checkpoint()
  }
}

std::string Engine::new_checkpoint_dir() {
  // One private directory (mkdtemp, 0700) per program for all its checkpoints, made at the
  // first: no other user can read the parts or plant a name, and the next run removes it if
  // this program is killed. A failure here must not split the ranks: the verdict goes out
  // with the name.
  std::string dir;
  if (world_.rank() == 0) {
    const std::string base =
        config_.checkpoint_dir.empty() ? local_dir_base(config_.local_dir) : config_.checkpoint_dir;
    try {
      if (!checkpoint_root_) checkpoint_root_ = std::make_unique<LocalDir>(base, LocalDirKind::kCheckpoints);
      dir = checkpoint_root_->path() + "/" + std::to_string(++checkpoints_);
      ++live_checkpoints_;
    } catch (const Error& e) {
      dir = "!" + std::to_string(e.exit_code()) + " " + e.what();
    }
  }
  world_.broadcast_from_driver(dir);
  if (dir.starts_with("!")) {
    const auto space = dir.find(' ');
    throw JobError(static_cast<ExitCode>(std::atoi(dir.c_str() + 1)), dir.substr(space + 1));
  }
  return dir;
}

void Engine::persist(int node, StorageLevel level) {
  reuse_.persisted[node] = storage_level_name(level);
  cache_.allow(node);  // persisted again after an unpersist()
}

void Engine::unpersist(int node) {
  if (!reuse_.persisted.erase(node)) return;
  cache_.drop(node, true);
  reuse_.cached.erase(node);
}

StorageInfo Engine::storage_info() {
  const bool executor = world_.rank() > 0 || world_.size() == 1;
  const BlockCache::Stats s = cache_.stats();
  char line[160];
  std::snprintf(line, sizeof line, "%llu %llu %llu %llu %llu", static_cast<unsigned long long>(s.memory_blocks),
                static_cast<unsigned long long>(s.memory_bytes), static_cast<unsigned long long>(s.disk_blocks),
                static_cast<unsigned long long>(s.disk_bytes),
                static_cast<unsigned long long>(executor ? store_.shuffles_held() : 0));
  std::string all;
  for (const auto& l : world_.gather_lines(line)) all += l + "\n";
  world_.broadcast_from_driver(all);
  StorageInfo info;
  std::istringstream in(all);
  unsigned long long v[5];
  while (in >> v[0] >> v[1] >> v[2] >> v[3] >> v[4]) {
    info.memory_blocks += v[0];
    info.memory_bytes += v[1];
    info.disk_blocks += v[2];
    info.disk_bytes += v[3];
    info.kept_shuffles += v[4];
  }
  return info;
}

task::JobEnd Engine::job_end(std::uint64_t job, bool ok, int code, std::string error) const {
  task::JobEnd end;
  end.job = job;
  end.ok = ok;
  end.error_code = code;
  end.error = std::move(error);
  for (const auto& [node, kept] : reuse_.shuffles) {
    end.kept_shuffles.push_back(node);
    end.kept_partitions.push_back(static_cast<std::uint32_t>(kept.owners.size()));
  }
  return end;
}

void Engine::set_map_runner(int node, MapRunner runner) { registry_.map_runners[node] = std::move(runner); }

void Engine::set_result_runner(int node, ResultRunner runner) { registry_.result_runners[node] = std::move(runner); }

void Engine::set_range_partitioner(int node, RangePartitioner partitioner) {
  registry_.range_partitioners[node] = std::move(partitioner);
}

std::string Engine::explain(int node) const {
  const int executors = std::max(1, world_.size() - 1);
  return driver::explain(graph_, node, config_, executors * executor_cores(), reuse_);
}

int Engine::num_partitions(int node) {
  int n = 0;
  std::string error;
  ExitCode code = ExitCode::kSoftware;
  if (world_.rank() == 0) {
    try {
      const int executors = std::max(1, world_.size() - 1);
      n = static_cast<int>(driver::partitions_of(graph_, node, config_, executors * executor_cores(), reuse_));
    } catch (const Error& e) {
      n = -1;
      error = e.what();
      code = e.code();
    }
  }
  // Every rank learns the driver's answer (the driver alone lists the inputs).
  n = world_.min_over_ranks(world_.rank() == 0 ? n : INT_MAX);
  if (n < 0) throw Error(world_.rank() == 0 ? code : ExitCode::kNoInput, world_.rank() == 0 ? error : "num_partitions failed on the driver");
  return n;
}

std::string Engine::run_job(int action, bool broadcast) {
  const std::uint64_t job = ++jobs_;
  // The program (its flags) may have changed these since the engine started; every rank
  // has the same settings, so all of them move the local directory together.
  if (memory_) memory_->set_budget(config_.executor_memory);
  if (local_dir_base(config_.local_dir) != local_base_) move_local_dir();
  if (local_dir_) local_dir_->set_compress(config_.spill_compression == SpillCompression::kLz4);
  start_event_log({program_});  // a program without dataflow::run(): its first job starts the log
  return world_.rank() == 0 ? run_on_driver(action, broadcast, job) : run_on_executor(action, job);
}

std::string Engine::run_on_driver(int action, bool broadcast, std::uint64_t job) {
  backend();
  std::string result, updates;
  common::set_in_job(true);
  driver::SpmdCheck check;  // under mpirun only: in local mode the driver is the executor
  if (config_.check_spmd && world_.size() > 1) {
    check = [this](const task::Descriptor& d) { return runner_->output_hash(d); };
  }
  common::set_resume_dir(config_.resume_dir);
  if (config_.resume_dir.empty()) {
    resume_.reset();
  } else if (!resume_ || resume_->dir() != config_.resume_dir) {
    resume_ = std::make_unique<driver::ResumeState>(config_.resume_dir, command_line_, program_);
  }
  try {
    result = driver::run_job(graph_, action, *backend_, config_, job, program_, registry_.range_partitioners, reuse_,
                             updates, check, events_.get(), resume_.get());
    // Once the job has begun on every rank, so that an error here ends it on every rank.
    bad_records_.prepare(config_);
    updates = bad_records_.admit(updates);  // every rank applies the driver's count
  } catch (const driver::Unrecoverable& e) {
    end_now(e.what(), e.exit_code(), e.rank_lost());
  } catch (const Error& e) {
    common::set_in_job(false);
    backend_->end_job(job_end(job, false, e.exit_code(), e.what()));
    throw JobError(e.code(), e.what());
  } catch (const std::exception& e) {
    const std::string message = std::string("internal error: ") + e.what();
    common::set_in_job(false);
    backend_->end_job(job_end(job, false, static_cast<int>(ExitCode::kSoftware), message));
    throw JobError(ExitCode::kSoftware, message);
  }
  common::set_in_job(false);
  task::JobEnd end = job_end(job, true, 0, {});
  if (broadcast && world_.size() > 1) end.result = result;
  if (world_.size() > 1) end.accumulators = updates;
  backend_->end_job(end);
  apply_accumulators(updates);
  if (config_.explain) print_accumulators();
  if (events_) driver::JobEvents::job_succeeded(events_.get(), job, accumulables());
  return result;
}

std::string Engine::run_on_executor(int action, std::uint64_t job) {
  if (!pool_) pool_ = std::make_unique<exec::ThreadPool>(executor_cores());
  const std::uint64_t fingerprint = plan::fingerprint(graph_, action);
  const char* name = detail::op_name(graph_.node(action).kind);
  // Heartbeats: several within the driver's network timeout, at most every 10 s (Spark's).
  const int timeout = config_.network_timeout_seconds;
  auto beat = std::chrono::milliseconds(timeout > 0 ? std::min(10000, timeout * 1000 / 4) : 10000);
  // With an event log or report, each heartbeat carries a rank sample, about once a second.
  const bool samples = !config_.event_log.empty() || !config_.report.empty();
  if (samples) beat = std::min<std::chrono::milliseconds>(beat, std::chrono::seconds(config_.metrics_interval_seconds));
  common::set_in_job(true);
  task::JobEnd end = exec::ExecutorLoop(world_, *runner_, store_, *pool_).run(job, fingerprint, name, beat, samples);
  common::set_in_job(false);
  // The driver's kept shuffles, with their sizes, so that explain() here shows what it shows.
  reuse_.shuffles.clear();
  for (std::size_t i = 0; i < end.kept_shuffles.size() && i < end.kept_partitions.size(); ++i) {
    reuse_.shuffles[end.kept_shuffles[i]].owners.assign(end.kept_partitions[i], -1);
  }
  if (!end.ok) throw JobError(static_cast<ExitCode>(end.error_code), end.error);
  apply_accumulators(end.accumulators);
  return std::move(end.result);
}

void Engine::move_local_dir() {
  std::string error;
  try {
    local_base_ = local_dir_base(config_.local_dir);
    if (memory_) {
      store_.end_job({});  // kept shuffles and cached blocks may have files in the old one
      cache_.clear();
      local_dir_.reset();
      local_dir_ = std::make_unique<LocalDir>(local_base_);
      store_.set_memory({memory_.get(), local_dir_.get()});
      cache_.set_memory({memory_.get(), local_dir_.get()});
    } else {
      check_local_dir_base(local_base_);  // so that rank 0 names a bad one too
    }
    reuse_ = {};
  } catch (const Error& e) {
    error = e.what();
  }
  if (world_.min_over_ranks(error.empty() ? 1 : 0) == 0) {
    throw JobError(ExitCode::kConfig, error.empty() ? "the local directory is unusable on another rank" : error);
  }
}

std::uint32_t Engine::add_accumulator(AccumulatorHooks hooks) {
  accumulators_.push_back(std::move(hooks));
  return static_cast<std::uint32_t>(accumulators_.size() - 1);
}

// Every rank applies a job's updates in the same order, so every rank ends with one value.
void Engine::apply_accumulators(std::string_view updates) {
  ByteReader r(updates);
  while (r.remaining() > 0) {
    const std::uint64_t id = r.get_varint();
    const std::string_view delta = r.get_bytes();
    if (id >= accumulators_.size()) {
      throw JobError(ExitCode::kSoftware, "accumulator " + std::to_string(id) + " is unknown on rank " +
                                              std::to_string(world_.rank()) +
                                              ": every rank must make the same accumulators in the same order");
    }
    accumulators_[id].apply(delta);
  }
}

void Engine::print_accumulators() const {
  for (const auto& [name, value] : accumulables()) {
    std::fprintf(stderr, "accumulator %s: %s\n", name.c_str(), value.empty() ? "(not a number)" : value.c_str());
  }
  std::fflush(stderr);
}

}  // namespace dataflow::detail
