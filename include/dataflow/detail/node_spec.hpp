// NodeSpec: what the DAG records about one operation. Plain data, identical on every rank
// of an SPMD program; the plan fingerprint is computed from it.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace dataflow::detail {

enum class OpKind : std::uint8_t {
  // Sources.
  kParallelize,
  kTextFile,
  kRange,
  kBinaryRecords,
  kCheckpoint,  // the files checkpoint() wrote: paths[0]/part-NNNNN, `partitions` of them
  kHdf5,        // an HDF5 dataset (`dataset`) in each of `paths`, read by row ranges
  // Narrow, one-to-one: partition p from the parent's partition p.
  kMap,
  kFlatMap,
  kFilter,
  kMapPartitions,
  // Narrow, several parents with equal partition counts: partition p from each one's p
  // (the reduce side of cogroup and joins, over co-partitioned shuffles).
  kZipPartitions,
  // Narrow, range: the parents' partitions side by side (union_with).
  kUnion,
  // Narrow, many-to-one: partition p from a run of consecutive parent partitions (coalesce).
  kCoalesce,
  // Wide: a shuffle of the parent's records to hash partitions, combined on the map side
  // (reduce_by_key and its family) or not (partition_by, group_by_key, join sides), or to
  // key ranges sampled while the map stage runs (sorts).
  kReduceByKey,
  kShuffle,
  kSortShuffle,
  // Actions.
  kCollect,
  kCount,
  kSaveAsTextFile,
  kSaveAsBinaryRecords,
  kAggregate,  // each partition's partial result, merged on every rank (reduce, fold, top...)
  kTake,       // the first records, reading only the partitions it needs
  kForeach,
  kSaveAsHdf5,  // each partition staged where it ran, then one file written collectively
};

const char* op_name(OpKind kind);
bool is_source(OpKind kind);
bool is_wide(OpKind kind);  // reads a shuffle of its parent's output
bool is_action(OpKind kind);

// How a dataset is hash-partitioned by key, if it is: by the shuffle at `node` (-1: not),
// into `count` partitions (0: known only once planned, as reduce_by_key's default count).
// Every hash shuffle partitions by detail::HashOfKey, so equal counts mean equal placement.
struct HashPartitioning {
  int node = -1;
  std::uint32_t count = 0;
};

struct NodeSpec {
  NodeSpec() = default;
  NodeSpec(OpKind k, std::vector<int> ps, std::string l) : kind(k), parents(std::move(ps)), label(std::move(l)) {}

  OpKind kind = OpKind::kMap;
  std::vector<int> parents;
  std::string label;             // shown by explain(), e.g. "text_file(in.txt)"
  std::uint32_t partitions = 0;  // source, shuffle or coalesce partitions; 0 = derived
  // A hash shuffle with partitions 0: as many partitions as shuffle `like` has once planned
  // (the other side of a join whose one side keeps reduce_by_key's default partitioning).
  int like = -1;
  // A shuffle whose reduce side decodes its records one by one (no grouping or combining):
  // any subset of its blocks is a valid input.
  bool decodes_only = false;
  // A zip (join) whose output is correct with the whole right side beside any part of the
  // left side: inner and left outer joins, subtract_by_key.
  bool right_may_broadcast = false;
  // parallelize, on the driver only: each partition's records, encoded. The driver's values
  // are the data (shipped in each task's descriptor, as Spark does); other ranks keep none.
  std::vector<std::string> slices;
  std::vector<std::string> paths;  // text_file inputs; save_as_text_file's directory
  std::uint64_t limit = 0;         // take: the records wanted; binary_records: the record length
  std::string dataset;             // hdf5: the dataset's path inside each file
  std::string record_type;         // hdf5: the records' h5::RecordType, encoded
};

}  // namespace dataflow::detail
