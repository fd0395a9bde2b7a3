// What the optimizer's rules need of a bound predicate: its conjuncts, the columns it reads,
// and the same predicate over another frame's columns (a rule moves a filter below an
// operator that renames or narrows columns).
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "frame/expr/bound_expr.hpp"

namespace dataflow::frame {

// The terms of `predicate`'s top-level ANDs, left to right ("(a AND (b AND c))": a, b, c).
std::vector<BoundExpr> conjuncts(const BoundExpr& predicate);

// The AND of `terms` (one or more), named as Spark names it: "((a) AND (b))".
BoundExpr conjunction(std::vector<BoundExpr> terms);

// Sets used[i] for every column i that `e` reads (used is as long as e's schema).
void mark_columns(const BoundExpr& e, std::vector<bool>& used);

// `e` with each column i read as column to[i] (to: this schema's column of another's).
BoundExpr remap_columns(BoundExpr e, const std::vector<std::size_t>& to);

// `c` (over `from`'s columns) over `to`'s: each column i of `from` named as column to_index[i]
// of `to` is. nullopt where such a name does not resolve to that column of `to` (a name
// that `to` holds twice). Error(kUsage) where `c` does not resolve against `from`.
std::optional<Column> rename_columns(const Column& c, const Schema& from, const std::vector<std::size_t>& to_index,
                                     const Schema& to);

}  // namespace dataflow::frame
