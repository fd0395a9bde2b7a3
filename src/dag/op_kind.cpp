// Names and classes of the DAG's operations.
#include "dataflow/detail/node_spec.hpp"

namespace dataflow::detail {

const char* op_name(OpKind kind) {
  switch (kind) {
    case OpKind::kParallelize:
      return "parallelize";
    case OpKind::kTextFile:
      return "text_file";
    case OpKind::kRange:
      return "range";
    case OpKind::kBinaryRecords:
      return "binary_records";
    case OpKind::kCheckpoint:
      return "checkpoint";
    case OpKind::kHdf5:
      return "hdf5";
    case OpKind::kMap:
      return "map";
    case OpKind::kFlatMap:
      return "flat_map";
    case OpKind::kFilter:
      return "filter";
    case OpKind::kMapPartitions:
      return "map_partitions";
    case OpKind::kZipPartitions:
      return "zip_partitions";
    case OpKind::kUnion:
      return "union_with";
    case OpKind::kCoalesce:
      return "coalesce";
    case OpKind::kReduceByKey:
      return "reduce_by_key";
    case OpKind::kShuffle:
      return "shuffle";
    case OpKind::kSortShuffle:
      return "sort_shuffle";
    case OpKind::kCollect:
      return "collect";
    case OpKind::kCount:
      return "count";
    case OpKind::kSaveAsTextFile:
      return "save_as_text_file";
    case OpKind::kSaveAsBinaryRecords:
      return "save_as_binary_records";
    case OpKind::kAggregate:
      return "aggregate";
    case OpKind::kTake:
      return "take";
    case OpKind::kForeach:
      return "foreach";
    case OpKind::kSaveAsHdf5:
      return "save_as_hdf5";
  }
  return "unknown";
}

bool is_source(OpKind kind) {
  return kind == OpKind::kParallelize || kind == OpKind::kTextFile || kind == OpKind::kRange ||
         kind == OpKind::kBinaryRecords || kind == OpKind::kCheckpoint || kind == OpKind::kHdf5;
}

bool is_wide(OpKind kind) {
  return kind == OpKind::kReduceByKey || kind == OpKind::kShuffle || kind == OpKind::kSortShuffle;
}

bool is_action(OpKind kind) { return kind >= OpKind::kCollect; }

}  // namespace dataflow::detail
