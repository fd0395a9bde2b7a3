// Stage and Plan: the unit of scheduling. A stage computes the narrow nodes between its
// inputs (sources, or wide nodes whose shuffles it reads) and its top node in one pass per
// partition, and ends in a shuffle write or an action's result.
#pragma once

#include <cstdint>
#include <vector>

namespace dataflow::plan {

enum class StageOutput : std::uint8_t { kShuffle, kResult };

struct Stage {
  std::uint32_t id = 0;
  int top = -1;             // the node whose partitions are the stage's tasks
  std::vector<int> inputs;  // sources and wide nodes it reads, ascending
  std::vector<int> chain;   // narrow nodes it computes, ascending (top among them if narrow)
  int output_node = -1;     // the wide node it feeds, or the action
  StageOutput output = StageOutput::kResult;
  std::vector<std::uint32_t> parents;  // stages that must finish first
};

// How many tasks a stage runs (its top node's partitions) and, for a shuffle map stage, how
// many reduce partitions it writes. Known once the driver has listed the inputs.
struct StageSize {
  std::uint32_t tasks = 0;
  std::uint32_t buckets = 0;
};

struct Plan {
  int target = -1;
  std::vector<Stage> stages;  // parents before children; the last one is the result stage
  std::vector<int> reused;    // shuffles read as an earlier job left them (their stages skipped)
  std::uint64_t walked = 0;   // nodes the planner visited: the cost of planning
  std::uint64_t fingerprint = 0;
};

}  // namespace dataflow::plan
