// sample_rank: VmRSS and VmHWM from /proc/self/status, CPU from getrusage.
#include "exec/rank_sampler.hpp"

#include <sys/resource.h>

#include <cstdio>
#include <cstring>

namespace dataflow::exec {
namespace {

std::uint64_t milliseconds(const timeval& t) {
  return static_cast<std::uint64_t>(t.tv_sec) * 1000 + static_cast<std::uint64_t>(t.tv_usec) / 1000;
}

// VmRSS and VmHWM in bytes (0 where /proc says nothing).
void read_status(task::RankSample& s) {
  std::FILE* f = std::fopen("/proc/self/status", "r");
  if (!f) return;
  char line[256];
  while (std::fgets(line, sizeof line, f)) {
    unsigned long long kib = 0;
    if (std::sscanf(line, "VmRSS: %llu kB", &kib) == 1) s.rss = kib * 1024;
    if (std::sscanf(line, "VmHWM: %llu kB", &kib) == 1) s.peak_rss = kib * 1024;
  }
  std::fclose(f);
}

}  // namespace

task::RankSample sample_rank(const detail::MemoryPool* pool) {
  task::RankSample s;
  read_status(s);
  rusage ru{};
  if (getrusage(RUSAGE_SELF, &ru) == 0) {
    s.cpu_user_ms = milliseconds(ru.ru_utime);
    s.cpu_system_ms = milliseconds(ru.ru_stime);
  }
  if (pool) s.pool_reserved = pool->used();
  s.disk_bytes_spilled = detail::spill_counters().disk_bytes.load();
  return s;
}

}  // namespace dataflow::exec
