// A DataFrame join bound at the call (join.cpp runs it): its type, each side's keys of their
// common types, the predicate left over for the pairs, and where each output column comes
// from. join_condition.cpp parses the join type and splits a Column condition into keys and
// that predicate.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dataflow/column.hpp"
#include "frame/api/frame_rows.hpp"
#include "frame/expr/bound_expr.hpp"

namespace dataflow::frame {

enum class How { kInner, kLeft, kRight, kFull, kSemi, kAnti, kCross };

// Spark's join type names, any case, '_' ignored; Error(kUsage) listing them for another.
How parse_how(const std::string& how);
// The type as Spark's plans print it: Inner, LeftOuter, ... Cross.
const char* how_name(How how);

// Whether a join of type `how` outputs a left row on its own (the right side's columns null,
// or none for semi and anti joins), given whether any right row matched it: a semi join's
// matched rows, the unmatched rows of anti, left and full joins.
inline bool keeps_left_row(How how, bool matched) {
  return matched ? how == How::kSemi : how == How::kAnti || how == How::kLeft || how == How::kFull;
}

// Where each output column comes from.
struct OutColumn {
  enum Kind : std::uint8_t { kLeft, kRight, kKey } kind = kLeft;
  std::size_t index = 0;  // kLeft/kRight: the side's column; kKey: the key
};

// Everything a join's tasks need, bound at the call.
struct JoinSpec {
  How how = How::kInner;
  std::vector<BoundExpr> left_keys, right_keys;                  // each side's keys, of their common types
  std::vector<std::size_t> left_key_columns, right_key_columns;  // name joins: the key columns
  std::vector<Type> key_types;
  std::optional<BoundExpr> residual;  // on left's columns then right's
  SchemaPtr left, right, combined, out;
  std::vector<OutColumn> out_columns;
};

// Binds `on` against spec.left and spec.right (each tagged with its frame): an equality with
// an operand on each side becomes a key pair (cast to their common type), the other
// conjuncts the residual, bound on spec.combined. Error(kUsage) for keys that do not compare,
// names no side has or several do, or a residual that is not boolean.
void bind_condition(const Column& on, JoinSpec& spec);

}  // namespace dataflow::frame
