// glibc's allocator tuned for an executor's large, short-lived buffers (column batches, map
// outputs, group and join tables, exchange rounds).
#pragma once

#include <cstdint>

namespace dataflow::common {

// By default glibc maps each allocation above its dynamic threshold (128 KiB, rising to at
// most 32 MiB) afresh and hands the top of its heap back to the kernel once 128 KiB of it is
// free, so every task faults its buffers in again: the kernel's page faults were 18% of a
// cached TPC-H Q18. This raises both thresholds to a share of the executor's memory budget
// (budget / 16, at most 256 MiB, for mapping; twice that for trimming), so freed buffers
// serve the next task. Does nothing where GLIBC_TUNABLES sets malloc's own (the user's
// choice wins) or under another allocator.
void tune_malloc(std::uint64_t executor_memory);

}  // namespace dataflow::common
