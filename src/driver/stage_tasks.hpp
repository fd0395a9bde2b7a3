// What the driver sends for a stage's tasks: each task's descriptor, and whether the stage
// runs as a broadcast join (the right side's shuffle output whole on every executor, the
// left side's map outputs read where they are).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dag/graph.hpp"
#include "dataflow/config.hpp"
#include "driver/job_runner.hpp"
#include "driver/resolve_inputs.hpp"
#include "plan/stage.hpp"
#include "task/descriptor.hpp"

namespace dataflow::driver {

struct BroadcastJoin {
  std::uint32_t stage = 0;
  int left = -1;   // read in place, one task per map output
  int right = -1;  // sent whole to every executor
  std::uint64_t right_bytes = 0;
};

// What the driver knows of the job's shuffles so far, by wide node.
struct ShuffleState {
  const RangePartitioners& ranges;                                // range shuffles
  const std::map<int, std::vector<std::int32_t>>& owners;         // exchanged: owner per partition
  const std::map<int, std::vector<std::uint64_t>>& bucket_bytes;  // written: bytes per partition
  const std::map<int, std::vector<int>>& map_homes;               // written: executor per map output
};

// Whether stage `s` runs as a broadcast join: its only inputs are the two sides of a join
// that allows it, neither exchanged yet, the left side's records independent of each other,
// the right side's shuffle output at most `threshold` bytes (0: never), and no other node of
// the stage that maps partitions (union, coalesce, zip).
std::optional<BroadcastJoin> broadcast_join(const dag::Graph& graph, const plan::Stage& s, std::uint64_t threshold,
                                            const ShuffleState& shuffles);

// The descriptor of task `partition` of stage `s` (attempt `attempt`) of job `job`.
// `broadcast`: the stage's broadcast join, if it runs as one; `output_file`: a result
// stage's file for this attempt, if it writes one.
task::Descriptor task_descriptor(const dag::Graph& graph, const plan::Stage& s, const Resolved& resolved,
                                 const Config& config, std::uint64_t job, std::uint64_t fingerprint,
                                 std::uint32_t partition, std::uint32_t attempt, const BroadcastJoin* broadcast,
                                 std::string output_file);

}  // namespace dataflow::driver
