#include "common/malloc_tuning.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace dataflow::common {

void tune_malloc(std::uint64_t executor_memory) {
#if defined(__GLIBC__)
  if (const char* t = std::getenv("GLIBC_TUNABLES"); t && std::strstr(t, "glibc.malloc.")) return;
  constexpr std::uint64_t kMiB = 1 << 20;
  const std::uint64_t map = std::clamp<std::uint64_t>(executor_memory / 16, 4 * kMiB, 256 * kMiB);
  mallopt(M_MMAP_THRESHOLD, static_cast<int>(map));
  mallopt(M_TRIM_THRESHOLD, static_cast<int>(2 * map));
#else
  (void)executor_memory;
#endif
}

}  // namespace dataflow::common
