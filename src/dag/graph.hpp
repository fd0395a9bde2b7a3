// Graph: this rank's replica of the program's DAG. Nodes get ids in creation order, so an
// SPMD program builds the same graph on every rank.
#pragma once

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

 private:
  std::vector<NodeSpec> nodes_;
};

}  // namespace dataflow::dag
