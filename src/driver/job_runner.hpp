// JobRunner: the driver's side of one job. Plans the stages, resolves their inputs,
// schedules one task per partition dynamically (an executor with a free slot gets the next
// task), retries failed attempts, runs the exchange between stages, commits output.
#pragma once

#include <cstdint>
#include <string>

#include "dag/graph.hpp"
#include "dataflow/config.hpp"
#include "driver/backend.hpp"

namespace dataflow::driver {

// Runs the job computing `action`; returns the result partitions concatenated in partition
// order. Throws Error (after the committer has removed any output) on failure; the caller
// ends the job on the executors either way.
std::string run_job(const dag::Graph& graph, int action, Backend& backend, const Config& config, std::uint64_t job);

// The lineage of `node` and the stages an action on it would run, with their partition and
// task counts when its inputs can be listed.
std::string explain(const dag::Graph& graph, int node, const Config& config);

}  // namespace dataflow::driver
