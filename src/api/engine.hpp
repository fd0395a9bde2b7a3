// Engine: the Runtime behind a Session. Holds this rank's DAG replica, the registered
// runners, the shuffle block store and the role's machinery (a backend on the driver, a
// thread pool on an executor), and runs jobs.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "dag/graph.hpp"
#include "dataflow/detail/runtime.hpp"
#include "driver/backend.hpp"
#include "driver/bad_record_log.hpp"
#include "driver/event_log.hpp"
#include "driver/job_events.hpp"
#include "driver/resume_state.hpp"
#include "driver/reuse.hpp"
#include "exec/fault_injection.hpp"
#include "exec/registry.hpp"
#include "exec/task_runner.hpp"
#include "exec/thread_pool.hpp"
#include "net/world.hpp"
#include "shuffle/block_store.hpp"
#include "storage/local_dir.hpp"

namespace dataflow::detail {

class Engine final : public Runtime {
 public:
  Engine(int& argc, char**& argv);  // collective
  ~Engine() override;               // collective
  // The engine of this process (one Session per process), or null.
  static Engine* instance();

  int add_node(NodeSpec spec) override;
  void persist(int node, StorageLevel level) override;
  void unpersist(int node) override;
  StorageInfo storage_info() override;
  std::string new_checkpoint_dir() override;
  std::shared_ptr<const void> hold(int node) override;
  void set_map_runner(int node, MapRunner runner) override;
  void set_result_runner(int node, ResultRunner runner) override;
  std::string run_job(int action_node, bool broadcast) override;
  std::string explain(int node) const override;
  void set_range_partitioner(int node, RangePartitioner partitioner) override;
  int num_partitions(int node) override;
  std::uint32_t add_accumulator(AccumulatorHooks hooks) override;
  void save_hdf5(int action_node, const h5::WriteSpec& spec) override;  // engine_hdf5.cpp
  std::string broadcast_bytes(std::string bytes) override {
    world_.broadcast_from_driver(bytes);
    return bytes;
  }
  const Config& config() const override { return config_; }
  int default_parallelism() const override;
  bool is_driver() const override { return world_.rank() == 0; }

  Config& mutable_config() { return config_; }
  int rank() const { return world_.rank(); }
  int size() const { return world_.size(); }
  int executor_cores() const;
  [[noreturn]] void abort(int code) { world_.abort(code); }
  const std::string& program_name() const { return program_; }
  std::uint64_t bad_records() const { return bad_records_.count(); }

  // Collective: the end of this rank's program. Checks that every rank reached it (none is
  // still starting jobs); if not, ends every rank with exit code 70. Runs once.
  void finish_program();
  // An exception escaped the program on this rank (std::terminate). Reports it and ends the
  // process with its exit code; `every_rank` for a JobError, which every rank has.
  [[noreturn]] void end_uncaught(const char* what, int code, bool every_rank);
  // An exception ended the program on this rank, and maybe on others (under mpirun). The
  // driver prints `what` once and ends every rank with `code`; an executor hands it to the
  // driver and leaves when told, so that no rank prints Open MPI's MPI_ABORT banner, unless
  // some rank cannot hear (then MPI_Abort). Returns only in local mode, having printed it.
  void end_with_error(const std::string& what, int code);
  // Collective, after the program's flags (runs once): the driver opens the event log when
  // --event-log is set (writing the application's start); throws JobError(kConfig) on every
  // rank when it cannot. `argv`: the program's, as it was started.
  void start_event_log(const std::vector<std::string>& argv);
  // Driver: the application's end with its exit code, the log renamed to its final name,
  // and the report written. Runs once; nothing without a log or report. The engine's end
  // calls it with the code set_exit_code() noted (0 if none).
  void end_event_log(int code);
  void set_exit_code(int code) { exit_code_ = code; }
  // The program's own arguments (libdataflow's options taken out): part of --resume-dir's
  // keys, so that a rerun with another --event-log or --progress still resumes.
  void set_command_line(std::vector<std::string> args) { command_line_ = std::move(args); }

 private:
  std::string run_on_driver(int action, bool broadcast, std::uint64_t job);
  std::string run_on_executor(int action, std::uint64_t job);
  driver::Backend& backend();
  // The job cannot end in the ordinary way (ranks out of step, a timeout, a signal): rank 0
  // prints `message`, every rank exits with `code` (at once by MPI_Abort if some rank does not
  // acknowledge, which is expected when `rank_lost`).
  [[noreturn]] void end_now(const std::string& message, int code, bool rank_lost = false);
  void report_resources();
  // Collective: makes the local directory under the configured base (the flags changed it);
  // throws JobError(kConfig) on every rank when some rank cannot.
  void move_local_dir();
  // A job's accumulator updates, as the driver gathered them (`[id][delta]...`).
  void apply_accumulators(std::string_view updates);
  // --explain: each named accumulator's value, after a job.
  void print_accumulators() const;
  // The named accumulators and their values (the log's "Accumulables").
  driver::Accumulables accumulables() const;
  // The last handle to `node` is gone: its shuffle output and cached blocks go.
  void release(int node);
  // A job's end, with the shuffles kept for later jobs.
  task::JobEnd job_end(std::uint64_t job, bool ok, int code, std::string error) const;

  net::World world_;  // first member: MPI outlives everything below
  std::uint64_t hdf5_saves_ = 0;
  std::chrono::steady_clock::time_point start_;
  Config config_;
  int auto_cores_ = 1;  // the same on every rank (minimum over the executors)
  dag::Graph graph_;
  exec::Registry registry_;
  // An executor's memory budget and spill directory (none on a driver that is not also the
  // executor); declared before the store, whose spill files they outlive.
  std::unique_ptr<detail::MemoryPool> memory_;
  std::unique_ptr<detail::LocalDir> local_dir_;
  std::string local_base_;  // where local_dir_ is
  shuffle::BlockStore store_;
  BlockCache cache_;
  std::unique_ptr<exec::TaskRunner> runner_;
  std::unique_ptr<driver::Backend> backend_;  // driver
  std::unique_ptr<exec::ThreadPool> pool_;    // executor
  std::vector<AccumulatorHooks> accumulators_;  // by id
  driver::BadRecordLog bad_records_;            // accumulator 0: the text lines skipped
  driver::Reuse reuse_;                         // driver: kept shuffles, cached blocks' places
  // By node: its handle while some dataset holds it. Handles reach the engine through
  // `releaser_`, which dies with it (a dataset may outlive its session).
  std::vector<std::weak_ptr<const void>> handles_;
  struct Releaser {
    Engine* engine;
  };
  std::shared_ptr<Releaser> releaser_ = std::make_shared<Releaser>(Releaser{this});
  std::uint64_t jobs_ = 0;
  std::uint64_t checkpoints_ = 0;
  std::unique_ptr<LocalDir> checkpoint_root_;  // the driver's: each checkpoint() inside it
  std::uint64_t live_checkpoints_ = 0;         // in it now
  bool finished_ = false;
  std::string program_;
  std::unique_ptr<driver::EventLog> events_;  // driver, with --event-log
  std::vector<std::string> command_line_;     // set_command_line()
  std::unique_ptr<driver::ResumeState> resume_;  // driver, with --resume-dir
  bool events_started_ = false;
  bool events_ended_ = false;
  int exit_code_ = 0;  // the program's, for the log's end
};

}  // namespace dataflow::detail
