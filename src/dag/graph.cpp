// Graph: node storage and lineage walks.
#include "dag/graph.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace dataflow::dag {

int Graph::add(NodeSpec spec) {
  const int id = size();
  for (int p : spec.parents) {
    if (p < 0 || p >= id) throw std::logic_error("dag: parent " + std::to_string(p) + " of a new node does not exist");
  }
  nodes_.push_back(std::move(spec));
  return id;
}

const NodeSpec& Graph::node(int id) const {
  if (id < 0 || id >= size()) throw std::logic_error("dag: no node " + std::to_string(id));
  return nodes_[static_cast<std::size_t>(id)];
}

std::vector<int> Graph::lineage(int id) const {
  std::vector<bool> seen(static_cast<std::size_t>(size()), false);
  std::vector<int> stack{id};
  std::vector<int> out;
  while (!stack.empty()) {
    int n = stack.back();
    stack.pop_back();
    if (seen[static_cast<std::size_t>(n)]) continue;
    seen[static_cast<std::size_t>(n)] = true;
    out.push_back(n);
    for (int p : node(n).parents) stack.push_back(p);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace dataflow::dag
