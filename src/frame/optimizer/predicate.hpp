// What the optimizer's rules need of a bound predicate: its conjuncts, the columns it reads,
// and the same predicate over another frame's columns (a rule moves a filter below an
// operator that renames or narrows columns).
#pragma once

#include <cstddef>
#include <optional>
#include <utility>
#include <vector>

#include "frame/expr/bound_expr.hpp"

namespace dataflow::frame {

// The terms of `predicate`'s top-level ANDs, left to right ("(a AND (b AND c))": a, b, c).
std::vector<BoundExpr> conjuncts(const BoundExpr& predicate);

// The AND of `terms` (one or more), named as Spark names it: "((a) AND (b))".
BoundExpr conjunction(std::vector<BoundExpr> terms);

// Sets used[i] for every column i that `e` reads (used is as long as e's schema).
void mark_columns(const BoundExpr& e, std::vector<bool>& used);

// The same for a condition not yet bound: the terms of its top-level ANDs, and their AND.
std::vector<Column> conjuncts(const Column& condition);
Column conjunction(const std::vector<Column>& terms);

// `e` with each column i read as column to[i] (to: this schema's column of another's).
BoundExpr remap_columns(BoundExpr e, const std::vector<std::size_t>& to);

// `c` (over `from`'s columns) over `to`'s: each column i of `from` named as column to_index[i]
// of `to` is. nullopt where such a name does not resolve to that column of `to` (a name
// that `to` holds twice). Error(kUsage) where `c` does not resolve against `from`.
std::optional<Column> rename_columns(const Column& c, const Schema& from, const std::vector<std::size_t>& to_index,
                                     const Schema& to);

// A filter over an operator's output split by where its conjuncts can run: origin[i] says
// which input (an index into `inputs`) and which of its columns output column i passes
// unchanged, or nullopt. A conjunct whose columns all come from one input goes to that
// input, over its columns (to[input]); the others (no column, several inputs, a column of
// no input's, a name that does not resolve there) stay (rest).
struct SplitFilter {
  std::vector<std::vector<Column>> to;
  std::vector<Column> rest;
};
using ColumnOrigin = std::optional<std::pair<std::size_t, std::size_t>>;
SplitFilter split_filter(const Column& condition, const Schema& out, const std::vector<ColumnOrigin>& origin,
                         const std::vector<const Schema*>& inputs);

}  // namespace dataflow::frame
