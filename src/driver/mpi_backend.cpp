// MpiBackend implementation: sleep-polled receives, so a waiting driver stays near 0% CPU.
#include "driver/mpi_backend.hpp"

#include <string>

#include "dataflow/error.hpp"
#include "task/wire.hpp"

namespace dataflow::driver {

net::Message MpiBackend::wait_message(int tag) {
  net::Backoff backoff;
  for (;;) {
    if (auto m = world_.try_receive(-1, tag)) return std::move(*m);
    backoff.wait();
  }
}

void MpiBackend::begin_job(std::uint64_t job, std::uint64_t fingerprint) {
  job_ = job;
  std::string diverged;
  for (int i = 0; i < executors(); ++i) {
    net::Message m = wait_message(net::kTagHello);
    auto hello = task::decode<task::Hello>(m.bytes);
    slots_[static_cast<std::size_t>(executor_of_rank(m.source))] = static_cast<int>(hello.cores);
    if ((hello.fingerprint != fingerprint || hello.job != job) && diverged.empty()) {
      diverged = "program diverged on rank " + std::to_string(m.source) + ": its job " + std::to_string(hello.job) +
                 " has plan fingerprint " + std::to_string(hello.fingerprint) + ", the driver's job " +
                 std::to_string(job) + " has " + std::to_string(fingerprint);
    }
  }
  if (!diverged.empty()) throw Error(ExitCode::kSoftware, diverged);
}

void MpiBackend::launch(int executor, const task::Descriptor& d) {
  world_.send(executor + 1, net::kTagTask, task::encode(d));
}

task::TaskReport MpiBackend::wait_report() {
  for (;;) {
    auto report = task::decode<task::TaskReport>(wait_message(net::kTagReport).bytes);
    if (report.job == job_) return report;  // else a late report of an earlier, failed job
  }
}

void MpiBackend::exchange(const task::ExchangeOrder& order) {
  const std::string bytes = task::encode(order);
  for (int e = 0; e < executors(); ++e) world_.send(e + 1, net::kTagExchange, bytes);
  std::string error;
  for (int e = 0; e < executors(); ++e) {
    auto done = task::decode<task::ExchangeDone>(wait_message(net::kTagExchangeDone).bytes);
    if (!done.ok && error.empty()) error = done.error;
  }
  if (!error.empty()) throw Error(ExitCode::kSoftware, "shuffle exchange failed: " + error);
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
    } else if (!world_.try_receive(-1, net::kTagReport) && !world_.try_receive(-1, net::kTagExchangeDone)) {
      backoff.wait();
      continue;
    }
    backoff.reset();
  }
}

}  // namespace dataflow::driver
