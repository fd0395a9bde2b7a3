// Rows as value sequences (value_codec's encode_value, one after another): how a DataFrame's
// rows travel through the engine's pair operations (joins, distinct, repartition), and the
// way back into batches of up to kBatchRows rows, never an empty one.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dataflow/dataset.hpp"
#include "frame/expr/bound_expr.hpp"
#include "frame/vector/record_batch.hpp"

namespace dataflow::frame {

using SchemaPtr = std::shared_ptr<const Schema>;

// Row `row` of `columns` (evaluated or a batch's own) as one value sequence.
std::string encode_row(const std::vector<Vector>& columns, std::uint32_t row);
// `n` values from `bytes`, appended to `out`.
void decode_row(std::string_view bytes, std::size_t n, std::vector<Value>& out);

// Collects rows of one schema and cuts them into encoded batches of kBatchRows rows.
class ValueRowBatcher {
 public:
  explicit ValueRowBatcher(SchemaPtr schema) : schema_(std::move(schema)) {}
  void add(std::vector<Value> row);
  // The batches so far, the last one partial (none if no row came).
  std::vector<std::string> finish();

 private:
  void flush();
  SchemaPtr schema_;
  std::vector<std::vector<Value>> rows_;
  std::vector<std::string> out_;
};

// The batches mapped through `exprs`, an output column each (select's kernel).
Dataset<std::string> project(const Dataset<std::string>& batches, const SchemaPtr& in, std::vector<BoundExpr> exprs);

// The batches of `rows` (value sequences of `schema`), partition by partition.
Dataset<std::string> rows_to_batches(const Dataset<std::string>& rows, const SchemaPtr& schema);

// The type both of a and b widen to (int < long < double, float < double; equal types as
// they are); none if they do not combine.
std::optional<Type> common_type(Type a, Type b);
// `e` as type t (a cast node unless it is of that type).
BoundExpr as_type(BoundExpr e, Type t);
// A bound reference to column i of `schema`.
BoundExpr column_ref(const Schema& schema, std::size_t i);
// A null of type t, as an expression.
BoundExpr null_of(Type t);

}  // namespace dataflow::frame
