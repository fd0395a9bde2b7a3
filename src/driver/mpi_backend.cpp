// MpiBackend implementation: sleep-polled receives, so a waiting driver stays near 0% CPU.
#include "driver/mpi_backend.hpp"

#include <string>

#include "common/signals.hpp"
#include "dataflow/error.hpp"
#include "task/wire.hpp"

namespace dataflow::driver {

net::Message MpiBackend::wait_message(int tag) {
  return *wait_message(tag, std::chrono::steady_clock::time_point::max());
}

std::optional<net::Message> MpiBackend::wait_message(int tag, std::chrono::steady_clock::time_point deadline) {
  net::Backoff backoff;
  for (;;) {
    if (auto m = world_.try_receive(-1, tag)) return m;
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    if (const int sig = common::pending_signal(); sig && !stopping_) {  // e.g. while executors exchange
      throw Unrecoverable(common::signal_message(sig) + "; no output was committed" + common::resume_hint(),
                          common::exit_code_for_signal(sig));
    }
    backoff.wait();
  }
}

namespace {

// "job 3 (collect)", as the messages about ranks out of step name a job.
std::string job_name(std::uint64_t job, const std::string& action) {
  return "job " + std::to_string(job) + " (" + action + ")";
}

// An executor whose program ended with an exception: its error ends every rank.
void throw_if_failed(const task::Hello& hello, int rank) {
  if (hello.error_code != 0)
    throw Unrecoverable(hello.error + " (rank " + std::to_string(rank) + ")", hello.error_code);
}

}  // namespace

void MpiBackend::begin_job(std::uint64_t job, std::uint64_t fingerprint, const std::string& action) {
  job_ = job;
  std::string diverged;
  for (int i = 0; i < executors(); ++i) {
    net::Message m = wait_message(net::kTagHello);
    auto hello = task::decode<task::Hello>(m.bytes);
    const std::string rank = "rank " + std::to_string(m.source);
    throw_if_failed(hello, m.source);
    if (hello.finished) {
      throw Unrecoverable(rank + " finished the program while the driver started " + job_name(job, action) + "; " +
                          kSpmdHint);
    }
    if (hello.job != job || hello.action != action) {
      throw Unrecoverable(rank + " started " + job_name(hello.job, hello.action) + " while the driver started " +
                          job_name(job, action) + "; " + kSpmdHint);
    }
    slots_[static_cast<std::size_t>(executor_of_rank(m.source))] = static_cast<int>(hello.cores);
    heard_from(m.source);
    if (hello.fingerprint != fingerprint && diverged.empty()) {
      diverged = "program diverged on " + rank + ": its " + job_name(hello.job, hello.action) +
                 " has plan fingerprint " + std::to_string(hello.fingerprint) + ", the driver's has " +
                 std::to_string(fingerprint) + "; every rank must build the same datasets, and " + kSpmdHint;
    }
  }
  if (!diverged.empty()) throw Error(ExitCode::kSoftware, diverged);
}

void MpiBackend::launch(int executor, const task::Descriptor& d) {
  world_.post(executor + 1, net::kTagTask, task::encode(d));
}

std::optional<task::TaskReport> MpiBackend::wait_report(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  net::Backoff backoff;
  for (;;) {
    while (auto beat = world_.try_receive(-1, net::kTagHeartbeat)) heartbeat(*beat);
    if (auto m = world_.try_receive(-1, net::kTagReport)) {
      heard_from(m->source);
      auto report = task::decode<task::TaskReport>(m->bytes);
      if (report.job == job_) return report;  // else a late report of an earlier, failed job
      continue;
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    backoff.wait();
  }
}

void MpiBackend::heartbeat(const net::Message& m) {
  heard_from(m.source);
  if (!m.bytes.empty()) samples_.emplace_back(m.source, task::decode<task::RankSample>(m.bytes));
}

std::chrono::steady_clock::duration MpiBackend::silent_for(int executor) const {
  return std::chrono::steady_clock::now() - heard_[static_cast<std::size_t>(executor)];
}

std::vector<task::ExchangeDone> MpiBackend::exchange(const task::ExchangeOrder& order) {
  const std::string bytes = task::encode(order);
  for (int e = 0; e < executors(); ++e) world_.send(e + 1, net::kTagExchange, bytes);
  std::vector<task::ExchangeDone> all(static_cast<std::size_t>(executors()));
  std::string error;
  int code = 0;
  for (int e = 0; e < executors(); ++e) {
    net::Message m = wait_message(net::kTagExchangeDone);
    auto& done = all.at(static_cast<std::size_t>(executor_of_rank(m.source)));
    done = task::decode<task::ExchangeDone>(m.bytes);
    if (!done.ok && error.empty()) {
      error = done.error;
      code = done.error_code;
    }
  }
  if (!error.empty()) throw Error(static_cast<ExitCode>(code), "shuffle exchange failed: " + error);
  return all;
}

std::vector<task::ResumeDone> MpiBackend::resume(const task::ResumeOrder& order) {
  const std::string bytes = task::encode(order);
  for (int e = 0; e < executors(); ++e) world_.send(e + 1, net::kTagResume, bytes);
  std::vector<task::ResumeDone> all(static_cast<std::size_t>(executors()));
  for (int e = 0; e < executors(); ++e) {
    net::Message m = wait_message(net::kTagResumeDone);
    heard_from(m.source);
    all.at(static_cast<std::size_t>(executor_of_rank(m.source))) = task::decode<task::ResumeDone>(m.bytes);
  }
  return all;
}

void MpiBackend::end_job(const task::JobEnd& end) {
  const std::string bytes = task::encode(end);
  for (int e = 0; e < executors(); ++e) world_.send(e + 1, net::kTagJobEnd, bytes);
  // Wait until every executor has finished its running tasks and acknowledged, receiving
  // (and dropping) what they still send: a large report blocks its sender until received,
  // so leaving it unreceived would hang that executor. Hellos of the next job stay queued.
  int acks = 0;
  net::Backoff backoff;
  while (acks < executors()) {
    if (world_.try_receive(-1, net::kTagJobEndAck)) {
      ++acks;
    } else if (!world_.try_receive(-1, net::kTagReport) && !world_.try_receive(-1, net::kTagExchangeDone) &&
               !world_.try_receive(-1, net::kTagHeartbeat)) {
      backoff.wait();
      continue;
    }
    backoff.reset();
  }
}

void MpiBackend::end_program(std::uint64_t jobs) {
  stopping_ = true;  // the program's work is done: a signal now changes nothing
  for (int i = 0; i < executors(); ++i) {
    net::Message m = wait_message(net::kTagHello);
    auto hello = task::decode<task::Hello>(m.bytes);
    throw_if_failed(hello, m.source);
    if (!hello.finished) {
      throw Unrecoverable("rank " + std::to_string(m.source) + " started " + job_name(hello.job, hello.action) +
                          " after the driver finished the program (it ran " + std::to_string(jobs) + " jobs); " +
                          kSpmdHint);
    }
  }
  const std::string bytes = task::encode(task::Shutdown{0});
  for (int e = 0; e < executors(); ++e) world_.send(e + 1, net::kTagShutdown, bytes);
}

bool MpiBackend::shutdown(int exit_code, std::chrono::milliseconds timeout) {
  stopping_ = true;
  const std::string bytes = task::encode(task::Shutdown{exit_code});
  for (int e = 0; e < executors(); ++e) world_.send(e + 1, net::kTagShutdown, bytes);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (int acks = 0; acks < executors(); ++acks) {
    if (!wait_message(net::kTagShutdownAck, deadline)) return false;
  }
  return true;
}

}  // namespace dataflow::driver
