// MpiBackend: the driver's side of the protocol with executor ranks 1..N-1.
#pragma once

#include <utility>
#include <vector>

#include "driver/backend.hpp"
#include "net/world.hpp"

namespace dataflow::driver {

class MpiBackend : public Backend {
 public:
  explicit MpiBackend(net::World& world)
      : world_(world),
        slots_(static_cast<std::size_t>(world.size() - 1), 1),
        heard_(static_cast<std::size_t>(world.size() - 1)) {}

  void begin_job(std::uint64_t job, std::uint64_t fingerprint, const std::string& action) override;
  int executors() const override { return world_.size() - 1; }
  int slots(int executor) const override { return slots_[static_cast<std::size_t>(executor)]; }
  int executor_of_rank(int rank) const override { return rank - 1; }
  int rank_of_executor(int executor) const override { return executor + 1; }
  void launch(int executor, const task::Descriptor& d) override;
  std::optional<task::TaskReport> wait_report(std::chrono::milliseconds timeout) override;
  std::vector<task::ExchangeDone> exchange(const task::ExchangeOrder& order) override;
  std::vector<task::ResumeDone> resume(const task::ResumeOrder& order) override;
  std::vector<std::pair<int, task::RankSample>> take_samples() override { return std::exchange(samples_, {}); }
  void end_job(const task::JobEnd& end) override;
  void end_program(std::uint64_t jobs) override;
  bool shutdown(int exit_code, std::chrono::milliseconds timeout) override;
  std::chrono::steady_clock::duration silent_for(int executor) const override;

 private:
  net::Message wait_message(int tag);
  std::optional<net::Message> wait_message(int tag, std::chrono::steady_clock::time_point deadline);

  net::World& world_;
  // A heartbeat: its sender is alive, and its payload (when not empty) a rank sample.
  void heartbeat(const net::Message& m);
  void heard_from(int rank) {
    heard_[static_cast<std::size_t>(executor_of_rank(rank))] = std::chrono::steady_clock::now();
  }

  std::vector<int> slots_;
  std::vector<std::chrono::steady_clock::time_point> heard_;  // last message of each executor
  std::uint64_t job_ = 0;
  bool stopping_ = false;  // shutting down: a signal no longer interrupts waits
  std::vector<std::pair<int, task::RankSample>> samples_;
};

}  // namespace dataflow::driver
