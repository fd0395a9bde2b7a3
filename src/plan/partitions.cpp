// Partition counts of narrow nodes and the partitions of one task.
#include "plan/partitions.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>

#include "dataflow/error.hpp"

namespace dataflow::plan {
namespace {

using detail::OpKind;

std::uint32_t count_of(const PartitionCounts& counts, int node) {
  auto it = counts.find(node);
  if (it == counts.end()) throw std::logic_error("partitions: node " + std::to_string(node) + " has no count yet");
  return it->second;
}

}  // namespace

std::uint32_t count_stage(const dag::Graph& graph, const Stage& stage, PartitionCounts& counts) {
  for (int id : stage.chain) {  // ascending ids: parents first
    const auto& node = graph.node(id);
    std::uint32_t n = 0;
    if (node.kind == OpKind::kUnion) {
      for (int p : node.parents) n += count_of(counts, p);
    } else if (node.kind == OpKind::kCoalesce) {
      n = std::min(node.partitions, count_of(counts, node.parents.at(0)));
    } else {
      n = count_of(counts, node.parents.at(0));
      for (int p : node.parents) {
        if (count_of(counts, p) != n) {
          throw Error(ExitCode::kUsage, node.label + ": its inputs have " + std::to_string(n) + " and " +
                                            std::to_string(count_of(counts, p)) +
                                            " partitions; zipped partitions must be equal in number");
        }
      }
    }
    counts[id] = n;
  }
  return count_of(counts, stage.top);
}

std::pair<std::uint32_t, std::uint32_t> coalesced_range(std::uint32_t p, std::uint32_t n, std::uint32_t parent) {
  auto edge = [n, parent](std::uint64_t i) { return static_cast<std::uint32_t>(i * parent / n); };
  return {edge(p), edge(std::uint64_t{p} + 1)};
}

TaskLayout task_layout(const dag::Graph& graph, const Stage& stage, const PartitionCounts& counts,
                       std::uint32_t partition) {
  const std::set<int> inside(stage.chain.begin(), stage.chain.end());
  TaskLayout layout;
  std::vector<TaskNode> stack{{stage.top, partition, 0}};
  while (!stack.empty()) {
    const TaskNode at = stack.back();
    stack.pop_back();
    layout.nodes.push_back(at);
    if (!inside.count(at.node)) continue;  // an input: a source or a shuffle read
    const auto& node = graph.node(at.node);
    if (node.kind == OpKind::kUnion) {
      std::uint32_t q = at.partition;
      for (int parent : node.parents) {
        const std::uint32_t n = count_of(counts, parent);
        if (q < n) {
          stack.push_back({parent, q, at.scope});
          break;
        }
        q -= n;
      }
    } else if (node.kind == OpKind::kCoalesce) {
      const int parent = node.parents.at(0);
      const auto [first, last] = coalesced_range(at.partition, count_of(counts, at.node), count_of(counts, parent));
      for (std::uint32_t q = first; q < last; ++q) {
        layout.scopes.push_back({at.node, at.scope});
        stack.push_back({parent, q, static_cast<std::uint32_t>(layout.scopes.size())});
      }
    } else {
      for (int parent : node.parents) stack.push_back({parent, at.partition, at.scope});
    }
  }
  // A node reached twice in one scope (a diamond of narrow nodes) is listed once.
  auto key = [](const TaskNode& t) { return std::tie(t.scope, t.node); };
  std::sort(layout.nodes.begin(), layout.nodes.end(),
            [&](const TaskNode& a, const TaskNode& b) { return key(a) < key(b); });
  layout.nodes.erase(std::unique(layout.nodes.begin(), layout.nodes.end(),
                                 [&](const TaskNode& a, const TaskNode& b) { return key(a) == key(b); }),
                     layout.nodes.end());
  return layout;
}

}  // namespace dataflow::plan
