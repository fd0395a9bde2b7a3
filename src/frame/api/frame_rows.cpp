// Rows as value sequences and back into batches (frame_rows.hpp).
#include "frame/api/frame_rows.hpp"

#include <utility>

#include "frame/expr/value_codec.hpp"

namespace dataflow::frame {

std::string encode_row(const std::vector<Vector>& columns, std::uint32_t row) {
  std::string out;
  for (const Vector& v : columns) encode_value(out, value_at(v, row));
  return out;
}

void decode_row(std::string_view bytes, std::size_t n, std::vector<Value>& out) {
  std::size_t at = 0;
  for (std::size_t i = 0; i < n; ++i) out.push_back(decode_value(bytes, at));
}

void ValueRowBatcher::add(std::vector<Value> row) {
  rows_.push_back(std::move(row));
  if (rows_.size() == kBatchRows) flush();
}

void ValueRowBatcher::flush() {
  if (rows_.empty()) return;
  encode_batch(batch_of(*schema_, rows_, 0, rows_.size()), out_.emplace_back());
  rows_.clear();
}

std::vector<std::string> ValueRowBatcher::finish() {
  flush();
  return std::move(out_);
}

Dataset<std::string> project(const Dataset<std::string>& batches, const SchemaPtr& in, std::vector<BoundExpr> exprs) {
  // Plain columns (renamed or not): their encodings copied, nothing decoded.
  std::vector<std::size_t> plain;
  for (const BoundExpr& x : exprs) {
    const BoundExpr* e = &x;
    while (e->kind == detail::ExprKind::kAlias) e = &e->children[0];
    if (e->kind != detail::ExprKind::kColumn) break;
    plain.push_back(e->column);
  }
  if (plain.size() == exprs.size()) {
    return batches.map(
        [in, plain = std::move(plain)](const std::string& bytes) { return select_encoded(bytes, *in, plain); });
  }
  return batches.map([in, exprs = std::move(exprs)](const std::string& bytes) {
    const RecordBatch b = decode_batch(bytes, *in);
    RecordBatch r;
    r.rows = b.rows;
    for (const BoundExpr& e : exprs) r.columns.push_back(evaluate(e, b));
    std::string encoded;
    encode_batch(r, encoded);
    return encoded;
  });
}

Dataset<std::string> rows_to_batches(const Dataset<std::string>& rows, const SchemaPtr& schema) {
  return rows.map_partitions([schema](std::vector<std::string>& records) {
    ValueRowBatcher out(schema);
    for (const std::string& r : records) {
      std::vector<Value> row;
      decode_row(r, schema->size(), row);
      out.add(std::move(row));
    }
    return out.finish();
  });
}

namespace {
int width_rank(Type t) {
  switch (t) {
    case Type::kInt32:
      return 0;
    case Type::kInt64:
      return 1;
    case Type::kFloat32:
      return 2;
    default:
      return 3;
  }
}
}  // namespace

std::optional<Type> common_type(Type a, Type b) {
  if (a == b) return a;
  if (!is_numeric(a) || !is_numeric(b)) return std::nullopt;
  const Type w = width_rank(a) >= width_rank(b) ? a : b;
  // A long and a float meet as a double (a float holds no long exactly), as Spark.
  if (w == Type::kFloat32 && (a == Type::kInt64 || b == Type::kInt64)) return Type::kFloat64;
  return w;
}

BoundExpr as_type(BoundExpr e, Type t) {
  if (e.type == t) return e;
  BoundExpr cast;
  cast.kind = detail::ExprKind::kCast;
  cast.type = t;
  cast.name = e.name;
  cast.children.push_back(std::move(e));
  return cast;
}

BoundExpr column_ref(const Schema& schema, std::size_t i) {
  BoundExpr e;
  e.kind = detail::ExprKind::kColumn;
  e.column = i;
  e.type = schema[i].type;
  e.name = schema[i].name;
  return e;
}

BoundExpr null_of(Type t) {
  BoundExpr e;
  e.kind = detail::ExprKind::kLiteral;
  e.value = Null{};
  e.type = t;
  e.name = "NULL";
  return e;
}

}  // namespace dataflow::frame
