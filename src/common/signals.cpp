// Signal handlers: async-signal-safe (write, _exit) outside a job, a flag inside one.
#include "common/signals.hpp"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstring>

namespace dataflow::common {
namespace {

constexpr int kSignals[] = {SIGTERM, SIGINT, SIGUSR1};

std::atomic<int> g_pending{0};
std::atomic<bool> g_in_job{false};
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
  if (g_in_job.load()) {
    int expected = 0;
    g_pending.compare_exchange_strong(expected, signal);
    return;
  }
  if (g_rank == 0) {  // only async-signal-safe calls from here on
    write_all(g_program);
    write_all(": error: interrupted by ");
    write_all(name_of(signal));
    write_all(" (no job was running)\n");
  }
  if (auto hook = g_exit_hook.load()) hook();
  _exit(exit_code_for_signal(signal));
}

}  // namespace

void install_signal_handlers(int rank, const std::string& program) {
  g_rank = rank;
  std::strncpy(g_program, program.c_str(), sizeof g_program - 1);
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  for (int signal : kSignals) sigaction(signal, &action, nullptr);
}

void ignore_signals_while_leaving() {
  for (int signal : kSignals) std::signal(signal, SIG_IGN);
}

void set_exit_hook(void (*hook)()) { g_exit_hook.store(hook); }

void set_in_job(bool in_job) { g_in_job.store(in_job); }

int pending_signal() { return g_pending.load(); }

int exit_code_for_signal(int signal) { return signal == SIGINT ? 130 : 143; }

std::string signal_message(int signal) {
  std::string text = std::string("interrupted by ") + name_of(signal);
  if (signal == SIGUSR1) text += " (checkpoints are not implemented yet: the job stops as for SIGTERM)";
  return text;
}

}  // namespace dataflow::common
