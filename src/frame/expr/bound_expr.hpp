// Expressions bound to a schema: names resolved to column indices, types computed with
// Spark's coercion (int < long < double; `/` gives double; a string literal compared with a
// date column is a date), and evaluated a batch at a time with SQL's null rules (arithmetic
// and comparisons with null give null; AND/OR are three-valued).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "dataflow/column.hpp"
#include "frame/vector/record_batch.hpp"

namespace dataflow::frame {

struct BoundExpr {
  detail::ExprKind kind = detail::ExprKind::kLiteral;
  std::string op;  // operator or function name
  Type type = Type::kString;
  std::size_t column = 0;  // kColumn: its index
  Value value;             // kLiteral
  std::string name;        // the output column's name (Spark's)
  std::vector<BoundExpr> children;
  std::shared_ptr<const detail::UdfFunction> udf;  // kUdf
};

// Resolves `c` against `schema`. Error(kUsage) for an unknown or ambiguous name (with the
// closest names) or operands of types that do not combine ("cannot apply + to string and
// long").
BoundExpr bind(const Column& c, const Schema& schema);

// The expression's values for every row of `batch`.
Vector evaluate(const BoundExpr& e, const RecordBatch& batch);

// Rows where `predicate` (a boolean expression) is true, in order: a filter's selection.
std::vector<std::uint32_t> select_true(const BoundExpr& predicate, const RecordBatch& batch);

}  // namespace dataflow::frame
