// Partition counts and the partitions one task touches: how narrow dependencies map a
// stage's partition p onto its nodes and inputs. Pure: no I/O, no MPI.
#pragma once

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "dag/graph.hpp"
#include "plan/stage.hpp"

namespace dataflow::plan {

// Partitions by node id.
using PartitionCounts = std::map<int, std::uint32_t>;

// Fills in the counts of `stage`'s narrow nodes from those of its inputs (which `counts`
// must hold): one-to-one nodes keep their parent's count, a union adds its parents' up, a
// zip needs its parents' counts equal. Returns the stage's task count (its top's count).
// Throws Error(kUsage) for a zip of unequal parents.
std::uint32_t count_stage(const dag::Graph& graph, const Stage& stage, PartitionCounts& counts);

// The nodes of `stage` that task `partition` computes or reads, each with its partition
// there, ascending by node id. Inputs that the task does not read (the other side of a
// union) are absent.
std::vector<std::pair<int, std::uint32_t>> task_partitions(const dag::Graph& graph, const Stage& stage,
                                                           const PartitionCounts& counts, std::uint32_t partition);

}  // namespace dataflow::plan
