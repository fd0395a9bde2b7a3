// Graph: node storage and lineage walks.
#include "dag/graph.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "dataflow/detail/hash.hpp"

namespace dataflow::dag {
namespace {

void put(std::string& out, std::uint64_t v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); }

void put(std::string& out, const std::string& s) {
  put(out, s.size());
  out += s;
}

}  // namespace

int Graph::add(NodeSpec spec) {
  const int id = size();
  for (int p : spec.parents) {
    if (p < 0 || p >= id) throw std::logic_error("dag: parent " + std::to_string(p) + " of a new node does not exist");
  }
  std::string canon;
  put(canon, static_cast<std::uint64_t>(id));
  put(canon, static_cast<std::uint64_t>(spec.kind));
  put(canon, spec.parents.size());
  for (int p : spec.parents) put(canon, fingerprints_[static_cast<std::size_t>(p)]);
  put(canon, spec.label);
  put(canon, spec.partitions);
  put(canon, static_cast<std::uint64_t>(static_cast<std::int64_t>(spec.like)));
  put(canon, (spec.decodes_only ? 1u : 0u) | (spec.right_may_broadcast ? 2u : 0u));
  put(canon, spec.paths.size());
  for (const auto& path : spec.paths) put(canon, path);
  put(canon, spec.limit);
  put(canon, spec.dataset);
  put(canon, spec.record_type);
  fingerprints_.push_back(XXH3_64bits(canon.data(), canon.size()));
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
