// Graph: this rank's replica of the program's DAG. Nodes get ids in creation order, so an
// SPMD program builds the same graph on every rank.
#pragma once

#include <cstdint>
#include <vector>

#include "dataflow/detail/node_spec.hpp"

namespace dataflow::dag {

using detail::NodeSpec;
using detail::OpKind;

class Graph {
 public:
  // Adds a node whose parents already exist; returns its id. Throws std::logic_error else.
  int add(NodeSpec spec);
  const NodeSpec& node(int id) const;
  int size() const { return static_cast<int>(nodes_.size()); }
  // Ids of `id` and all its ancestors, ascending.
  std::vector<int> lineage(int id) const;
  // A hash of everything in the node's lineage that decides what a task computes, made when
  // the node is added from its own spec and its parents' fingerprints (a Merkle hash): equal
  // on every rank of an SPMD program, and free to look up however long the lineage grows.
  std::uint64_t fingerprint(int id) const { return fingerprints_.at(static_cast<std::size_t>(id)); }

 private:
  std::vector<NodeSpec> nodes_;
  std::vector<std::uint64_t> fingerprints_;
};

}  // namespace dataflow::dag
