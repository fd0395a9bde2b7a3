// Aggregate functions (sum, avg, count, count_distinct, min, max, first) in three steps:
// PartialAggregation folds a partition's batches into one typed state per group (the
// map side) and sends the states as batches by reduce partition; MergedGroups merges a
// reduce partition's states per key (merge_states), and finish_state writes a group's
// result. Nulls are skipped.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dataflow/column.hpp"
#include "frame/expr/bound_expr.hpp"
#include "frame/vector/group_table.hpp"
#include "frame/vector/row_codec.hpp"

namespace dataflow::frame {

enum class AggFn : std::uint8_t { kSum, kAvg, kCount, kCountDistinct, kMin, kMax, kFirst };

struct AggregateSpec {
  AggFn fn = AggFn::kCount;
  std::vector<BoundExpr> inputs;  // one, or count_distinct's columns
  Type type = Type::kInt64;       // the result's: sum long or double, avg double, count long
  std::string name;               // sum(a), count(DISTINCT a), or the alias
  bool count_rows = false;        // count of a non-null literal (count("*")): every row
};

// The aggregate `c` (maybe aliased) over `schema`. Error(kUsage) when it is not one, or its
// input does not fit (sum of a string).
AggregateSpec aggregate_spec(const Column& c, const Schema& schema);

// One partition's groups: every batch folded into typed accumulators, the group found by
// its key's bytes (row_codec) in a hash table that lives across the partition's batches.
class PartialAggregation {
 public:
  PartialAggregation(std::vector<BoundExpr> keys, std::vector<AggregateSpec> specs);
  ~PartialAggregation();
  PartialAggregation(const PartialAggregation&) = delete;
  PartialAggregation& operator=(const PartialAggregation&) = delete;

  void add(const RecordBatch& batch);
  // Bytes the groups hold (their table and states; strings and sets by their headers).
  std::uint64_t bytes() const;
  // The group of the empty key, for an aggregation without keys (one row even with no input).
  void add_empty_group();
  // (key bytes, state bytes) per group, as batches of state_batch_schema() by the reduce
  // partition of each key's hash (GroupTable's): (partition, encoded batch) for each batch
  // of up to kBatchRows groups.
  std::vector<std::pair<std::uint32_t, std::string>> finish_by_partition(std::uint32_t partitions) const;

 private:
  struct Accumulator;
  void encode_state(std::uint32_t g, std::string& state) const;
  std::uint32_t group_of(std::string_view key);

  std::vector<BoundExpr> keys_;
  std::vector<AggregateSpec> specs_;
  GroupTable groups_;
  std::vector<Accumulator> accumulators_;
  std::vector<std::string> row_keys_;  // per row of the batch being added, reused
  std::vector<std::uint32_t> row_groups_;
};

// The columns of a batch of partial states: key bytes and state bytes, one row per group.
const Schema& state_batch_schema();

// A reduce partition's groups: partial states of one key merged as they come.
class MergedGroups {
 public:
  explicit MergedGroups(const std::vector<AggregateSpec>& specs);
  // `hash`: GroupTable's hash of `key`.
  void add(std::string_view key, std::uint64_t hash, std::string_view state);
  std::uint32_t size() const { return groups_.size(); }
  std::uint64_t hash(std::uint32_t group) const { return groups_.hash(group); }
  std::uint64_t bytes() const;
  // Each group's key columns (the first `keys` of out's) and results, in order of arrival.
  void finish(BatchWriter& out, std::size_t keys) const;

 private:
  const std::vector<AggregateSpec>& specs_;
  GroupTable groups_;
  std::vector<std::string> states_;
  std::uint64_t state_bytes_ = 0;  // held by states beyond their strings' own size
};

// The state of both groups' states combined (a and b from finish() or merge_states()).
std::string merge_states(const std::vector<AggregateSpec>& specs, std::string_view a, std::string_view b);
// Appends each aggregate's result of `state` to out's columns first, first + 1, ...
void finish_state(const std::vector<AggregateSpec>& specs, std::string_view state, BatchWriter& out, std::size_t first);

}  // namespace dataflow::frame
