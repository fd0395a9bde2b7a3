// The stage planner: cuts the DAG at shuffle dependencies and fuses each chain of narrow
// operations into one stage. Pure: no I/O, no MPI.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "dag/graph.hpp"
#include "plan/stage.hpp"

namespace dataflow::plan {

// The stages that compute `target` (an action, or any node for explain()). A shuffle in
// `reused` (its output kept on the executors by an earlier job) is read as it is: the
// stages that would write it are skipped, and planning never walks the lineage below it.
Plan make_plan(const dag::Graph& graph, int target, const std::set<int>& reused = {});

// A hash of everything in target's lineage that decides what a task computes; equal on
// every rank of an SPMD program, different when a rank built another DAG.
inline std::uint64_t fingerprint(const dag::Graph& graph, int target) { return graph.fingerprint(target); }

// The DAG and the stages of `plan`, readable; with `sizes` (one per stage, by stage id) the
// partitions of each node and the tasks of each stage too (`counts`: of each node, where a
// node's differ from its stage's tasks, as under a union).
std::string explain(const dag::Graph& graph, const Plan& plan, const std::vector<StageSize>& sizes = {},
                    const std::map<int, std::uint32_t>& counts = {});

}  // namespace dataflow::plan
