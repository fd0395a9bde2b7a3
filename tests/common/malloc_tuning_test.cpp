// glibc's thresholds raised for an executor (common/malloc_tuning.hpp): a large buffer freed
// and taken again is served from the memory the first one faulted in, where by default glibc
// maps each one afresh (64 MiB is above its dynamic threshold's 32 MiB ceiling) and the kernel
// faults every page in again.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>

#include "common/malloc_tuning.hpp"

namespace {

[[maybe_unused]] long minor_faults() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_minflt;
}

// The page faults of taking, filling and freeing `bytes`.
[[maybe_unused]] long faults_of_one_buffer(std::size_t bytes) {
  const long before = minor_faults();
  auto* p = static_cast<volatile char*>(std::malloc(bytes));
  for (std::size_t i = 0; i < bytes; i += 4096) p[i] = 1;  // volatile: every page touched
  std::free(const_cast<char*>(p));
  return minor_faults() - before;
}

TEST(MallocTuning, AFreedBufferServesTheNextTask) {
#if !defined(__GLIBC__) || defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "glibc's allocator only (AddressSanitizer has its own)";
#else
  if (const char* t = std::getenv("GLIBC_TUNABLES"); t && std::strstr(t, "glibc.malloc.")) {
    GTEST_SKIP() << "GLIBC_TUNABLES sets malloc's thresholds";
  }
  constexpr std::size_t kBuffer = 64 << 20;
  constexpr long kPages = kBuffer / 4096;
  // glibc's default: mapped afresh (in 4 KiB pages, or 2 MiB ones where transparent huge
  // pages are always on: then this test cannot tell)
  const long untuned = faults_of_one_buffer(kBuffer);
  if (untuned < kPages / 2) GTEST_SKIP() << "huge pages: " << untuned << " faults for " << kPages << " pages";
  EXPECT_GT(faults_of_one_buffer(kBuffer), kPages / 2);
  dataflow::common::tune_malloc(std::size_t{4} << 30);  // thresholds 256 MiB and 512 MiB
  faults_of_one_buffer(kBuffer);                        // the heap grows once
  EXPECT_LT(faults_of_one_buffer(kBuffer), kPages / 16);
  EXPECT_LT(faults_of_one_buffer(kBuffer), kPages / 16);
#endif
}

}  // namespace
