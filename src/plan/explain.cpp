// explain(): the lineage as an indented tree, then the stages with their fused chains.
#include <sstream>

#include "plan/planner.hpp"

namespace dataflow::plan {
namespace {

std::string describe(const dag::Graph& graph, int id) {
  const auto& n = graph.node(id);
  std::string s = "(" + std::to_string(id) + ") " + n.label;
  if (detail::is_wide(n.kind)) s += " [shuffle]";
  return s;
}

void tree(const dag::Graph& graph, int id, int depth, std::ostringstream& out) {
  out << std::string(static_cast<std::size_t>(depth) * 2, ' ') << (depth ? "+- " : "") << describe(graph, id) << '\n';
  for (int p : graph.node(id).parents) tree(graph, p, depth + 1, out);
}

}  // namespace

std::string explain(const dag::Graph& graph, const Plan& plan) {
  std::ostringstream out;
  out << "== DAG ==\n";
  tree(graph, plan.target, 0, out);
  out << "== Stages ==\n";
  for (const Stage& s : plan.stages) {
    const bool shuffle = s.output == StageOutput::kShuffle;
    out << "Stage " << s.id << (shuffle ? " (shuffle map)" : " (result)");
    if (!s.parents.empty()) {
      out << ", after stage";
      for (auto p : s.parents) out << ' ' << p;
    }
    out << ":\n  ";
    const auto& in = graph.node(s.input_node);
    if (detail::is_wide(in.kind)) {
      out << "read shuffle " << s.input_node << " (" << in.label << ", merge)";
    } else {
      out << describe(graph, s.input_node);
    }
    for (int n : s.chain) out << " -> " << describe(graph, n);
    if (shuffle) {
      out << " -> write shuffle " << s.output_node << " (" << graph.node(s.output_node).label << ", map-side combine)";
    } else if (detail::is_action(graph.node(s.output_node).kind)) {
      out << " -> " << describe(graph, s.output_node);
    }
    out << '\n';
  }
  return out.str();
}

}  // namespace dataflow::plan
