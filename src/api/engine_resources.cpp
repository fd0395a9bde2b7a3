// Engine::report_resources: each rank's CPU, peak memory, wall time and spills, gathered to
// the driver (DATAFLOW_RESOURCE_REPORT), as the benchmarks read them.
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "api/engine.hpp"

namespace dataflow::detail {
namespace {

// Seconds since this process started (from /proc), or since `fallback` where unknown.
double process_wall_seconds(std::chrono::steady_clock::time_point fallback) {
  std::FILE* f = std::fopen("/proc/self/stat", "r");
  double uptime = 0;
  unsigned long long start_ticks = 0;
  bool ok = false;
  if (f) {
    char buf[2048];
    const std::size_t n = std::fread(buf, 1, sizeof buf - 1, f);
    std::fclose(f);
    buf[n] = '\0';
    // Field 22 (starttime) counts from the ')' closing field 2, which may hold spaces.
    if (const char* p = std::strrchr(buf, ')')) {
      ok = std::sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
                       &start_ticks) == 1;
    }
  }
  if (std::FILE* u = std::fopen("/proc/uptime", "r")) {
    ok = ok && std::fscanf(u, "%lf", &uptime) == 1;
    std::fclose(u);
  } else {
    ok = false;
  }
  if (ok) return uptime - static_cast<double>(start_ticks) / static_cast<double>(sysconf(_SC_CLK_TCK));
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - fallback).count();
}

}  // namespace

void Engine::report_resources() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  const double cpu = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                     static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  const double wall = process_wall_seconds(start_);
  char line[512];
  std::snprintf(line, sizeof line,
                "dataflow-resources rank=%d role=%s cpu_s=%.3f maxrss_kib=%ld wall_s=%.3f memory_budget_kib=%llu "
                "spills=%llu spilled_kib=%llu spilled_disk_kib=%llu",
                world_.rank(), world_.rank() == 0 ? "driver" : "executor", cpu, ru.ru_maxrss, wall,
                static_cast<unsigned long long>(config_.executor_memory / 1024),
                static_cast<unsigned long long>(spill_counters().spills.load()),
                static_cast<unsigned long long>(spill_counters().bytes.load() / 1024),
                static_cast<unsigned long long>(spill_counters().disk_bytes.load() / 1024));
  if (resume_) {  // --resume-dir: what storing cost and what a rerun read back
    const std::size_t n = std::strlen(line);
    std::snprintf(
        line + n, sizeof line - n,
        " resume_stored=%d resume_stored_kib=%llu resume_store_s=%.3f resume_loaded=%d resume_loaded_kib=%llu",
        resume_->stored_count(), static_cast<unsigned long long>(resume_->bytes_written() / 1024),
        resume_->store_seconds(), resume_->loaded_count(),
        static_cast<unsigned long long>(resume_->bytes_read() / 1024));
  }
  for (const auto& l : world_.gather_lines(line)) std::fprintf(stderr, "%s\n", l.c_str());
}

}  // namespace dataflow::detail
