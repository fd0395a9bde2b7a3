// Partition counts of narrow nodes and the partitions of one task.
#include "plan/partitions.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>
#include <string>

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

std::vector<std::pair<int, std::uint32_t>> task_partitions(const dag::Graph& graph, const Stage& stage,
                                                           const PartitionCounts& counts, std::uint32_t partition) {
  const std::set<int> inside(stage.chain.begin(), stage.chain.end());
  std::map<int, std::uint32_t> out;
  std::vector<std::pair<int, std::uint32_t>> stack{{stage.top, partition}};
  while (!stack.empty()) {
    const auto [id, p] = stack.back();
    stack.pop_back();
    out[id] = p;
    if (!inside.count(id)) continue;  // an input: a source or a shuffle read
    const auto& node = graph.node(id);
    if (node.kind == OpKind::kUnion) {
      std::uint32_t q = p;
      for (int parent : node.parents) {
        const std::uint32_t n = count_of(counts, parent);
        if (q < n) {
          stack.push_back({parent, q});
          break;
        }
        q -= n;
      }
    } else {
      for (int parent : node.parents) stack.push_back({parent, p});
    }
  }
  return {out.begin(), out.end()};
}

}  // namespace dataflow::plan
