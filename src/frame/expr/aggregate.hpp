// Aggregate functions (sum, avg, count, count_distinct, min, max, first) in three steps:
// PartialAggregation folds a partition's batches into one typed state per group (the
// map side), merge_states combines two groups' encoded states (reduce_by_key, before and
// after the shuffle), finish_state writes a group's result. Nulls are skipped.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "dataflow/column.hpp"
#include "frame/expr/bound_expr.hpp"
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
  // The group of the empty key, for an aggregation without keys (one row even with no input).
  void add_empty_group();
  // (key bytes, state bytes) per group.
  std::vector<std::pair<std::string, std::string>> finish() const;

 private:
  struct Accumulator;
  std::uint32_t group_of(const std::string& key);

  std::vector<BoundExpr> keys_;
  std::vector<AggregateSpec> specs_;
  std::unordered_map<std::string, std::uint32_t> groups_;
  std::vector<const std::string*> group_keys_;
  std::vector<Accumulator> accumulators_;
  std::vector<std::string> row_keys_;  // per row of the batch being added, reused
  std::vector<std::uint32_t> row_groups_;
};

// The state of both groups' states combined (a and b from finish() or merge_states()).
std::string merge_states(const std::vector<AggregateSpec>& specs, std::string_view a, std::string_view b);
// Appends each aggregate's result of `state` to out's columns first, first + 1, ...
void finish_state(const std::vector<AggregateSpec>& specs, std::string_view state, BatchWriter& out, std::size_t first);

}  // namespace dataflow::frame
