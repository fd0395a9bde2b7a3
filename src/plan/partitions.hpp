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
// zip needs its parents' counts equal, a coalesce keeps the smaller of its target and its
// parent's count. Returns the stage's task count (its top's count). Throws Error(kUsage)
// for a zip of unequal parents.
std::uint32_t count_stage(const dag::Graph& graph, const Stage& stage, PartitionCounts& counts);

// The parent partitions that partition `p` of a coalesce into `n` of `parent` merges:
// [first, last), consecutive and of sizes differing by at most one.
std::pair<std::uint32_t, std::uint32_t> coalesced_range(std::uint32_t p, std::uint32_t n, std::uint32_t parent);

// One node a task computes or reads, with its partition there, in a scope. Scope 0 is the
// task's own; below a coalesce, each parent partition that the task merges is computed in a
// scope of its own (numbered from 1), so a node may appear once per scope.
struct TaskNode {
  int node = -1;
  std::uint32_t partition = 0;
  std::uint32_t scope = 0;
};
// Scope s (s >= 1) is scopes[s - 1]: opened by `coalesce`, inside scope `parent`.
struct TaskScope {
  int coalesce = -1;
  std::uint32_t parent = 0;
};
struct TaskLayout {
  std::vector<TaskNode> nodes;  // ascending by (scope, node)
  std::vector<TaskScope> scopes;
};

// The nodes of `stage` that task `partition` computes or reads. Inputs that the task does
// not read (the other side of a union) are absent.
TaskLayout task_layout(const dag::Graph& graph, const Stage& stage, const PartitionCounts& counts,
                       std::uint32_t partition);

}  // namespace dataflow::plan
