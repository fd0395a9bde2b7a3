// Stage and Plan: the unit of scheduling. A stage reads one input (a source or a shuffle),
// runs a fused chain of narrow operations in one pass per partition, and ends in a shuffle
// write or an action's result.
#pragma once

#include <cstdint>
#include <vector>

namespace dataflow::plan {

enum class StageOutput : std::uint8_t { kShuffle, kResult };

struct Stage {
  std::uint32_t id = 0;
  int input_node = -1;     // a source, or the wide node whose shuffle it reads
  std::vector<int> chain;  // narrow nodes fused after the input, in order
  int output_node = -1;    // the wide node it feeds, or the final node
  StageOutput output = StageOutput::kResult;
  std::vector<std::uint32_t> parents;  // stages that must finish first
};

// How many tasks a stage runs (its input's partitions) and, for a shuffle map stage, how
// many reduce partitions it writes. Known once the driver has listed the inputs.
struct StageSize {
  std::uint32_t tasks = 0;
  std::uint32_t buckets = 0;
};

struct Plan {
  int target = -1;
  std::vector<Stage> stages;  // parents before children; the last one is the result stage
  std::uint64_t fingerprint = 0;
};

}  // namespace dataflow::plan
