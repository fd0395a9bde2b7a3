// What a rank's process uses now (resident memory, CPU, memory pool, spill), for the event
// log's DataflowRankSample: read from /proc/self/status and getrusage, about once a second
// while a log or report is on.
#pragma once

#include "dataflow/detail/spill.hpp"
#include "task/messages.hpp"

namespace dataflow::exec {

// `pool`: the executor's memory pool, or null (no budget).
task::RankSample sample_rank(const detail::MemoryPool* pool);

}  // namespace dataflow::exec
