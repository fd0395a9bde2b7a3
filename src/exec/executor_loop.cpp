// ExecutorLoop: receive descriptors, run them on the pool, send reports, take part in
// exchanges. Waits on a condition variable with a timeout instead of spinning in MPI.
#include "exec/executor_loop.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <exception>
#include <mutex>
#include <string>

#include "common/signals.hpp"
#include "dataflow/error.hpp"
#include "exec/rank_sampler.hpp"
#include "shuffle/exchange.hpp"
#include "shuffle/resume_files.hpp"
#include "storage/local_dir.hpp"
#include "task/wire.hpp"

namespace dataflow::exec {
namespace {

// Finished reports, handed from task threads to the main thread.
class Outbox {
 public:
  void push(std::string bytes) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      items_.push_back(std::move(bytes));
    }
    cv_.notify_one();
  }
  std::deque<std::string> take() {
    std::lock_guard<std::mutex> lock(mu_);
    return std::exchange(items_, {});
  }
  void wait_for(std::chrono::microseconds d) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, d, [this] { return !items_.empty(); });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> items_;
};

}  // namespace

task::JobEnd ExecutorLoop::run(std::uint64_t job, std::uint64_t fingerprint, const std::string& action,
                               std::chrono::milliseconds heartbeat, bool samples) {
  const int rank = world_.rank();
  task::Hello hello{job, fingerprint, static_cast<std::uint32_t>(pool_.threads()), action, false, 0, {}};
  world_.send(0, net::kTagHello, task::encode(hello));
  Outbox outbox;
  net::Backoff backoff;
  // With samples, the first goes at once: even a short job shows every rank's memory.
  auto last_beat = std::chrono::steady_clock::now() - (samples ? heartbeat : std::chrono::milliseconds(0));
  auto flush = [&] {
    for (auto& bytes : outbox.take()) world_.send(0, net::kTagReport, bytes);
    if (const auto now = std::chrono::steady_clock::now(); now - last_beat >= heartbeat) {
      world_.send(0, net::kTagHeartbeat, samples ? task::encode(sample_rank(store_.memory().pool)) : std::string());
      last_beat = now;
    }
  };
  try {
    for (;;) {
      flush();
      auto m = world_.try_receive(0, -1);
      if (!m) {
        outbox.wait_for(std::chrono::microseconds(backoff.delay_us()));
        backoff.grow();  // the outbox wakes us early when a task ends
        continue;
      }
      backoff.reset();
      switch (m->tag) {
        case net::kTagTask: {
          auto d = task::decode<task::Descriptor>(m->bytes);
          if (d.fingerprint != fingerprint) {
            task::TaskReport r = task::report_for(d, rank);
            r.retryable = false;
            r.error_code = static_cast<int>(ExitCode::kSoftware);
            r.error = "program diverged on rank " + std::to_string(rank) + ": plan fingerprint " +
                      std::to_string(fingerprint) + ", the driver's is " + std::to_string(d.fingerprint);
            world_.send(0, net::kTagReport, task::encode(r));
            break;
          }
          pool_.submit([this, &outbox, d = std::move(d), queued = std::chrono::steady_clock::now()] {
            outbox.push(runner_.run_encoded(d, queued));
          });
          break;
        }
        case net::kTagExchange: {
          auto order = task::decode<task::ExchangeOrder>(m->bytes);
          pool_.wait_idle();
          flush();
          task::ExchangeDone done;
          done.job = order.job;
          done.error_code = 0;
          auto fail = [&done](const Error& e) {
            if (!done.ok) return;
            done.ok = false;
            done.error = e.what();
            done.error_code = e.exit_code();
          };
          try {
            runner_.cut_range_outputs(order);
          } catch (const detail::CorruptBlock& e) {  // a spilled map output: this rank sends none
            fail(e);
            store_.take_map_outputs(order.shuffle_node);
          }
          try {  // the peers wait for this rank in the collective, whatever happened above
            shuffle::exchange_over_mpi(store_, world_, order, done);
          } catch (const shuffle::CorruptShuffle& e) {  // found once every round was through
            fail(e);
          }
          world_.send(0, net::kTagExchangeDone, task::encode(done));
          break;
        }
        case net::kTagResume: {
          const auto order = task::decode<task::ResumeOrder>(m->bytes);
          pool_.wait_idle();
          flush();
          world_.send(0, net::kTagResumeDone, task::encode(shuffle::resume(store_, order, rank - 1)));
          break;
        }
        case net::kTagJobEnd: {
          auto end = task::decode<task::JobEnd>(m->bytes);
          pool_.wait_idle();
          outbox.take();  // reports of a finished job are of no use to anyone
          store_.end_job(end.kept_shuffles);
          world_.send(0, net::kTagJobEndAck, {});
          return end;
        }
        case net::kTagShutdown: {  // the ranks fell out of step: the driver ends the program
          auto shutdown = task::decode<task::Shutdown>(m->bytes);
          const bool signalled = common::pending_signal() != 0;
          common::ignore_signals_while_leaving();
          // Before the acknowledgement: once the driver has its answers it leaves, and after
          // a signal mpirun may kill the ranks still there at once.
          detail::remove_local_dirs_now();
          world_.send(0, net::kTagShutdownAck, {});
          // After a signal the driver leaves without MPI_Finalize, and so does every rank.
          if (signalled) world_.leave(shutdown.exit_code);
          world_.finalize_and_exit(shutdown.exit_code);
        }
        default:
          throw Error(ExitCode::kSoftware, "unexpected message tag " + std::to_string(m->tag));
      }
    }
  } catch (const Error& e) {
    // The exchange failed on this rank (a full local directory is exit code 74): it cannot
    // continue, so it ends the job with the error's code.
    std::fprintf(stderr, "dataflow: executor rank %d: fatal: %s\n", rank, e.what());
    std::fflush(stderr);
    world_.abort(e.exit_code());
  } catch (const std::exception& e) {
    // The protocol itself broke on this rank: it cannot continue, so it ends the job.
    std::fprintf(stderr, "dataflow: executor rank %d: fatal: %s\n", rank, e.what());
    std::fflush(stderr);
    world_.abort(static_cast<int>(ExitCode::kSoftware));
  }
}

}  // namespace dataflow::exec
