// Names and classes of the DAG's operations.
#include "dataflow/detail/node_spec.hpp"

namespace dataflow::detail {

const char* op_name(OpKind kind) {
  switch (kind) {
    case OpKind::kParallelize:
      return "parallelize";
    case OpKind::kTextFile:
      return "text_file";
    case OpKind::kMap:
      return "map";
    case OpKind::kFlatMap:
      return "flat_map";
    case OpKind::kFilter:
      return "filter";
    case OpKind::kReduceByKey:
      return "reduce_by_key";
    case OpKind::kCollect:
      return "collect";
    case OpKind::kCount:
      return "count";
    case OpKind::kSaveAsTextFile:
      return "save_as_text_file";
  }
  return "unknown";
}

bool is_source(OpKind kind) { return kind == OpKind::kParallelize || kind == OpKind::kTextFile; }

bool is_wide(OpKind kind) { return kind == OpKind::kReduceByKey; }

bool is_action(OpKind kind) {
  return kind == OpKind::kCollect || kind == OpKind::kCount || kind == OpKind::kSaveAsTextFile;
}

}  // namespace dataflow::detail
