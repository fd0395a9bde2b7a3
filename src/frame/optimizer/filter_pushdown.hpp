// Filter pushdown through the operators that pass columns through unchanged (DATAFRAME.md
// A.6): the FrameData::push_filter hooks of a join's frame and of an aggregate's. Each moves
// the conjuncts it can below itself, makes the operator again over the filtered inputs, and
// leaves the others in a filter above; with none to move it declines (nullopt).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "dataflow/dataframe.hpp"
#include "frame/api/join_spec.hpp"
#include "frame/optimizer/predicate.hpp"

namespace dataflow::detail {

using PushFilter = std::function<std::optional<DataFrame>(const Column& condition)>;
using JoinRebuild = std::function<DataFrame(const DataFrame& left, const DataFrame& right)>;

// A join's: a conjunct over one side's columns filters that side first where the join passes
// that side's rows through as they are: either side of an inner or cross join, the left of a
// left outer, semi or anti join, the right of a right outer join (none of a full one). A
// USING key column is its left side's (right's for a right join) where the types agree.
// rebuild(l, r) makes the join again; each filtered side keeps its identity (df["x"]) and
// its broadcast hint.
PushFilter join_pushdown(DataFrame left, DataFrame right, std::shared_ptr<const frame::JoinSpec> spec,
                         JoinRebuild rebuild);

// An aggregate's: a conjunct over grouping keys that are plain columns of the input
// (origin[i] = {0, column} for such a key, nullopt for the other output columns) filters the
// input rows first, since a HAVING on keys is a WHERE; rebuild(filtered) aggregates again.
PushFilter aggregate_pushdown(DataFrame input, std::shared_ptr<const Schema> out,
                              std::vector<frame::ColumnOrigin> origin,
                              std::function<DataFrame(const DataFrame&)> rebuild);

// A union's (by position or by name): output column i is a's column take_a[i] and b's
// take_b[i] (nullopt: a column of nulls on that side); a conjunct over columns that both
// sides hold, of the same type (none widened), filters both sides; rebuild(a, b) makes the
// union again.
PushFilter union_pushdown(DataFrame a, DataFrame b, std::shared_ptr<const Schema> out,
                          const std::vector<std::optional<std::size_t>>& take_a,
                          const std::vector<std::optional<std::size_t>>& take_b, JoinRebuild rebuild);

}  // namespace dataflow::detail
