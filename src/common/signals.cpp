// Signal handlers: async-signal-safe (write, _exit) outside a job, a flag inside one, and a
// watcher thread that ends the process itself when the ordinary way out takes too long.
#include "common/signals.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <mutex>
#include <thread>
#include <vector>

namespace dataflow::common {
namespace {

constexpr int kSignals[] = {SIGTERM, SIGINT, SIGUSR1};

std::atomic<int> g_pending{0};
std::atomic<std::int64_t> g_signal_ns{0};  // CLOCK_MONOTONIC (steady_clock's) at the first signal
std::atomic<bool> g_in_job{false};
std::atomic<bool> g_leaving{false};
std::atomic<bool> g_said{false};  // rank 0 has printed the error line
int g_wake[2] = {-1, -1};         // the handler wakes the watcher through this pipe
std::mutex g_cleanups_mu;
std::vector<void (*)()> g_cleanups;
// mpirun SIGKILLs every rank about a second after it forwards a signal: the watcher acts
// before that. The driver waits longer, so that the executors' own cleanup comes first; an
// executor then stays until the driver has ended and said so (mpirun kills the ranks left
// as soon as one exits non-zero, the driver too, before its line).
constexpr std::chrono::milliseconds kExecutorGrace{300}, kDriverGrace{550}, kExecutorStay{450};
std::atomic<void (*)()> g_exit_hook{nullptr};
int g_rank = 0;
char g_program[128] = "dataflow";

const char* name_of(int signal) {
  switch (signal) {
    case SIGINT:
      return "SIGINT";
    case SIGUSR1:
      return "SIGUSR1";
    default:
      return "SIGTERM";
  }
}

void write_all(const char* text) {
  std::size_t left = std::strlen(text);
  while (left > 0) {
    const ssize_t n = write(STDERR_FILENO, text, left);
    if (n <= 0) return;
    text += n;
    left -= static_cast<std::size_t>(n);
  }
}

void on_signal(int signal) {
  int expected = 0;
  const bool first = g_pending.compare_exchange_strong(expected, signal);
  if (first) {
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);  // async-signal-safe
    g_signal_ns.store(std::int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec);
  }
  if (g_wake[1] >= 0) {  // the watcher ends the process, after what it created is removed
    if (first) {
      const char byte = 1;
      [[maybe_unused]] const ssize_t n = write(g_wake[1], &byte, 1);
    }
    return;
  }
  if (g_in_job.load()) return;
  if (g_rank == 0) {  // no watcher: only async-signal-safe calls from here on
    write_all(g_program);
    write_all(": error: interrupted by ");
    write_all(name_of(signal));
    write_all(" (no job was running)\n");
  }
  if (auto hook = g_exit_hook.load()) hook();
  _exit(exit_code_for_signal(signal));
}

// Waits for a signal. Inside a job, the main thread normally stops the job at a task
// boundary and ends the process within milliseconds; outside one, a program that has
// finished its work ends with its own code meanwhile (the output it published stands). A
// process blocked in a collective, waiting for a long task or busy in code of its own
// cannot: then, after the grace, this thread removes what the process created (spill and
// checkpoint directories, temporary output), rank 0 prints the line, and the process ends.
void watch() {
  char byte = 0;
  while (read(g_wake[0], &byte, 1) < 0 && errno == EINTR) {
  }
  std::this_thread::sleep_for(g_rank == 0 ? kDriverGrace : kExecutorGrace);
  if (g_leaving.load()) return;  // on its way out already, with its own code
  const int signal = g_pending.load();
  run_cleanups_now();
  if (g_rank != 0) {
    std::this_thread::sleep_for(kExecutorStay);
    if (g_leaving.load()) return;
  }
  if (g_rank == 0 && claim_error_line()) {
    const std::string line =
        std::string(g_program) + ": error: " + signal_message(signal) +
        (g_in_job.load() ? "; the job was stopped where it stood, no output was committed" + resume_hint() + "\n"
                         : " (no job was running)\n");
    write_all(line.c_str());
  }
  _exit(exit_code_for_signal(signal));
}

}  // namespace

bool claim_error_line() { return !g_said.exchange(true); }

void add_signal_cleanup(void (*cleanup)()) {
  std::lock_guard<std::mutex> lock(g_cleanups_mu);
  if (std::find(g_cleanups.begin(), g_cleanups.end(), cleanup) == g_cleanups.end()) g_cleanups.push_back(cleanup);
}

void run_cleanups_now() {
  std::lock_guard<std::mutex> lock(g_cleanups_mu);
  for (auto cleanup : g_cleanups) cleanup();
}

namespace {
std::atomic<int> g_program_code{0};
}  // namespace

void set_program_code(int code) { g_program_code.store(code); }

void end_after(std::chrono::milliseconds grace) {
  std::thread([grace] {
    std::this_thread::sleep_for(grace);
    std::fflush(nullptr);
    _exit(g_program_code.load());
  }).detach();
}

void install_signal_handlers(int rank, const std::string& program) {
  g_rank = rank;
  std::strncpy(g_program, program.c_str(), sizeof g_program - 1);
  if (g_wake[0] < 0 && pipe2(g_wake, O_CLOEXEC) == 0) std::thread(watch).detach();
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  for (int signal : kSignals) sigaction(signal, &action, nullptr);
}

int launcher_rank() {
  for (const char* v : {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK", "SLURM_PROCID"}) {
    if (const char* text = std::getenv(v); text && *text) return std::atoi(text);
  }
  return 0;
}

void ignore_signals_while_leaving() {
  g_leaving.store(true);
  for (int signal : kSignals) std::signal(signal, SIG_IGN);
}

void set_exit_hook(void (*hook)()) { g_exit_hook.store(hook); }

void set_in_job(bool in_job) { g_in_job.store(in_job); }

int pending_signal() { return g_pending.load(); }

std::chrono::milliseconds wait_for_executor_cleanup() {
  // The executors' watchers have removed their directories kExecutorGrace after their own
  // signal (they get it within milliseconds of this rank's), and stay kExecutorStay longer
  // for the driver: leave a little before that, and never sooner than 300 ms from now.
  constexpr std::chrono::milliseconds kLeastWait{300}, kBeforeExecutorsLeave{50};
  const auto since = std::chrono::steady_clock::now().time_since_epoch() - std::chrono::nanoseconds(g_signal_ns.load());
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(kExecutorGrace + kExecutorStay -
                                                                          kBeforeExecutorsLeave - since);
  return std::max(kLeastWait, left);
}

int exit_code_for_signal(int signal) { return signal == SIGINT ? 130 : 75; }

std::string signal_message(int signal) { return std::string("interrupted by ") + name_of(signal); }

namespace {
std::mutex g_resume_mu;
std::string g_resume_dir;  // set_resume_dir()
}  // namespace

void set_resume_dir(const std::string& dir) {
  std::lock_guard<std::mutex> lock(g_resume_mu);
  g_resume_dir = dir;
}

std::string resume_hint() {
  std::lock_guard<std::mutex> lock(g_resume_mu);
  if (g_resume_dir.empty()) {
    return "; nothing was kept for a rerun (run with --resume-dir DIR to store each finished stage and resume from "
           "there)";
  }
  return "; the finished stages are stored in " + g_resume_dir + ": run the same command again to resume from there";
}

}  // namespace dataflow::common
