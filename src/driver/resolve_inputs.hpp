// Input resolution: before a job runs, the driver lists the inputs of every stage of its
// plan and fixes the partition counts of every node and the tasks of every stage.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "dag/graph.hpp"
#include "dataflow/config.hpp"
#include "dataflow/detail/task_context.hpp"
#include "driver/reuse.hpp"
#include "plan/partitions.hpp"
#include "plan/stage.hpp"

namespace dataflow::driver {

// What the driver resolved before running a job: partition counts of every node, text
// splits of every text source, the tasks and reduce partitions of every stage.
struct Resolved {
  plan::PartitionCounts counts;
  std::map<int, std::vector<detail::TextSplit>> splits;  // by text source node
  std::map<int, std::vector<std::string>> hdf5_splits;   // by HDF5 source node, encoded
  std::vector<plan::StageSize> sizes;                    // by stage id
};

// Lists the inputs of every stage of `plan`. `slots` (the executors' task threads) spreads a
// small input over them, as Spark's bytesPerCore does. Throws Error(kNoInput) for a missing
// input. Kept shuffles have the partitions their exchange left.
Resolved resolve_inputs(const dag::Graph& graph, const plan::Plan& plan, const Config& config, int slots,
                        const Reuse& reuse);

}  // namespace dataflow::driver
