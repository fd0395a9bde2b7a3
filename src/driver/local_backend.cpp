// LocalBackend implementation.
#include "driver/local_backend.hpp"

#include "shuffle/resume_files.hpp"
#include "task/wire.hpp"

namespace dataflow::driver {

void LocalBackend::launch(int, const task::Descriptor& d) {
  pool_.submit([this, bytes = task::encode(d), queued = std::chrono::steady_clock::now()] {
    std::string encoded = runner_.run_encoded(task::decode<task::Descriptor>(bytes), queued);
    {
      std::lock_guard<std::mutex> lock(mu_);
      reports_.push_back(std::move(encoded));
    }
    cv_.notify_one();
  });
}

std::optional<task::TaskReport> LocalBackend::wait_report(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  if (!cv_.wait_for(lock, timeout, [this] { return !reports_.empty(); })) return std::nullopt;
  std::string bytes = std::move(reports_.front());
  reports_.pop_front();
  return task::decode<task::TaskReport>(bytes);
}

std::vector<task::ExchangeDone> LocalBackend::exchange(const task::ExchangeOrder& order) {
  const auto start = std::chrono::steady_clock::now();
  runner_.cut_range_outputs(order);
  shuffle::exchange_locally(store_, order.shuffle_node, static_cast<std::uint32_t>(order.owner.size()));
  task::ExchangeDone done;  // nothing crosses a network
  done.job = order.job;
  done.bytes_to = {0};
  done.total_us = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count());
  return {done};
}

std::vector<task::ResumeDone> LocalBackend::resume(const task::ResumeOrder& order) {
  return {shuffle::resume(store_, order, 0)};
}

void LocalBackend::end_job(const task::JobEnd& end) {
  pool_.wait_idle();
  std::lock_guard<std::mutex> lock(mu_);
  reports_.clear();
  store_.end_job(end.kept_shuffles);
}

}  // namespace dataflow::driver
