// NodeSpec: what the DAG records about one operation. Plain data, identical on every rank
// of an SPMD program; the plan fingerprint is computed from it.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace dataflow::detail {

enum class OpKind : std::uint8_t {
  kParallelize,
  kTextFile,
  kMap,
  kFlatMap,
  kFilter,
  kReduceByKey,
  kCollect,
  kCount,
  kSaveAsTextFile,
};

const char* op_name(OpKind kind);
bool is_source(OpKind kind);
bool is_wide(OpKind kind);  // needs a shuffle of its parent's output
bool is_action(OpKind kind);

struct NodeSpec {
  NodeSpec() = default;
  NodeSpec(OpKind k, std::vector<int> ps, std::string l) : kind(k), parents(std::move(ps)), label(std::move(l)) {}

  OpKind kind = OpKind::kMap;
  std::vector<int> parents;
  std::string label;             // shown by explain(), e.g. "text_file(in.txt)"
  std::uint32_t partitions = 0;  // parallelize slices, shuffle partitions; 0 = derived
  // parallelize, on the driver only: each partition's records, encoded. The driver's values
  // are the data (shipped in each task's descriptor, as Spark does); other ranks keep none.
  std::vector<std::string> slices;
  std::vector<std::string> paths;  // text_file inputs; save_as_text_file's directory
};

}  // namespace dataflow::detail
