// explain(): the lineage as an indented tree, then the stages with their fused chains. Node
// ids are written "#3" and partition counts in words, so neither is read as the other.
#include <algorithm>
#include <map>
#include <sstream>

#include "plan/partitions.hpp"
#include "plan/planner.hpp"

namespace dataflow::plan {
namespace {

std::string name(const dag::Graph& graph, int id) { return "#" + std::to_string(id) + " " + graph.node(id).label; }

std::string partitions(std::uint32_t n) { return std::to_string(n) + (n == 1 ? " partition" : " partitions"); }

// Partition counts by node, where the stage sizes are known.
std::map<int, std::uint32_t> node_partitions(const Plan& plan, const std::vector<StageSize>& sizes,
                                             const PartitionCounts& counts) {
  std::map<int, std::uint32_t> out;
  if (sizes.size() != plan.stages.size()) return out;
  for (const Stage& s : plan.stages) {
    const StageSize& size = sizes[s.id];
    for (int n : s.inputs) out[n] = counts.count(n) ? counts.at(n) : size.tasks;
    for (int n : s.chain) out[n] = counts.count(n) ? counts.at(n) : size.tasks;
    out[s.output_node] = s.output == StageOutput::kShuffle ? size.buckets : size.tasks;
  }
  return out;
}

// Below a reused shuffle nothing runs: the tree stops there.
void tree(const dag::Graph& graph, int id, int depth, const std::map<int, std::uint32_t>& parts,
          const std::vector<int>& reused, std::ostringstream& out) {
  const auto& n = graph.node(id);
  out << std::string(static_cast<std::size_t>(depth) * 3, ' ') << (depth ? "+- " : "") << name(graph, id);
  if (auto it = parts.find(id); it != parts.end() && !detail::is_action(n.kind)) out << ", " << partitions(it->second);
  const bool kept = std::find(reused.begin(), reused.end(), id) != reused.end();
  if (detail::is_wide(n.kind)) out << (kept ? " [shuffle, reused: its stages are skipped]" : " [shuffle]");
  out << '\n';
  if (kept) return;
  for (int p : n.parents) tree(graph, p, depth + 1, parts, reused, out);
}

}  // namespace

std::string explain(const dag::Graph& graph, const Plan& plan, const std::vector<StageSize>& sizes,
                    const PartitionCounts& counts) {
  const auto parts = node_partitions(plan, sizes, counts);
  const bool known = !parts.empty();
  std::ostringstream out;
  out << "== DAG (#N is a node id) ==\n";
  tree(graph, plan.target, 0, parts, plan.reused, out);
  out << "== Stages ==\n";
  for (int id : plan.reused) {
    out << "Skipped: the stages writing shuffle #" << id << " (" << graph.node(id).label
        << "); its output is kept from an earlier job\n";
  }
  for (const Stage& s : plan.stages) {
    const bool shuffle = s.output == StageOutput::kShuffle;
    out << "Stage " << s.id << (shuffle ? " (shuffle map)" : " (result)");
    if (!s.parents.empty()) {
      out << ", after stage";
      for (auto p : s.parents) out << ' ' << p;
    }
    if (known) out << ": " << sizes[s.id].tasks << (sizes[s.id].tasks == 1 ? " task" : " tasks");
    out << "\n  ";
    for (std::size_t i = 0; i < s.inputs.size(); ++i) {
      const int id = s.inputs[i];
      const auto& in = graph.node(id);
      if (i > 0) out << " + ";
      if (detail::is_wide(in.kind)) {
        out << "read shuffle #" << id << " (" << in.label << ")";
      } else {
        out << name(graph, id);
      }
    }
    for (int n : s.chain) out << " -> " << name(graph, n);
    if (shuffle) {
      const auto& wide = graph.node(s.output_node);
      out << " -> write shuffle #" << s.output_node << " (" << wide.label;
      if (wide.kind == detail::OpKind::kReduceByKey) out << ", map-side combine";
      if (known) out << ", " << partitions(sizes[s.id].buckets);
      out << ")";
    } else if (detail::is_action(graph.node(s.output_node).kind)) {
      out << " -> " << name(graph, s.output_node);
    }
    out << '\n';
  }
  return out.str();
}

}  // namespace dataflow::plan
