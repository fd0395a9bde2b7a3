// DataFrame: each transformation binds its expressions to the schema at the call (so a
// wrong name fails there, on every rank, with exit 64) and maps the batches through them.
#include "dataflow/dataframe.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <utility>

#include "frame/api/frame_data.hpp"
#include "frame/api/frame_rows.hpp"
#include "frame/expr/bound_expr.hpp"
#include "frame/optimizer/column_pruning.hpp"
#include "frame/optimizer/predicate.hpp"
#include "frame/show.hpp"
#include "frame/vector/record_batch.hpp"

namespace dataflow {
namespace {

using frame::BoundExpr;
using frame::RecordBatch;
using SchemaPtr = std::shared_ptr<const Schema>;

// The data of an operation over `from` (of schema `in`): its batches and the plan node `text`.
std::shared_ptr<const detail::FrameData> with_batches(const detail::FrameData& from, const Schema& in,
                                                      Dataset<std::string> batches, std::string text) {
  return detail::with_plan(std::move(batches), from.driver, std::move(text), {detail::plan_of(from, in)});
}

// The column a projection's expression passes through unchanged (under an alias or not).
const BoundExpr* plain_column(const BoundExpr& e) {
  if (e.kind == detail::ExprKind::kColumn) return &e;
  if (e.kind == detail::ExprKind::kAlias) return plain_column(e.children[0]);
  return nullptr;
}

std::string names_of(const std::vector<BoundExpr>& exprs) {
  std::string out;
  for (const BoundExpr& e : exprs) out += (out.empty() ? "" : ", ") + e.name;
  return out;
}

}  // namespace

DataFrame::DataFrame(std::shared_ptr<const Schema> schema, std::shared_ptr<const detail::FrameData> data)
    : schema_(std::move(schema)), data_(std::move(data)) {}

Column DataFrame::to_select(const std::string& name) { return functions::col(name); }

Column DataFrame::operator[](const std::string& name) const {
  auto n = std::make_shared<detail::ExprNode>();
  n->kind = detail::ExprKind::kColumn;
  n->name = schema_->fields()[schema_->resolve(name)].name;
  n->frame = data_->id;  // so a join of this frame tells its column from the other side's
  return Column(n);
}

DataFrame DataFrame::select(const std::vector<Column>& columns) const {
  // Column pruning (optimizer/column_pruning.cpp): the frame below made again with only the
  // columns this select uses, down to the scans where it can.
  if (data_->read_columns && !data_->cached()) {
    std::vector<bool> used(schema_->size());
    for (const Column& c : columns) frame::mark_columns(frame::bind(c, *schema_), used);
    if (const auto narrow = detail::narrowed(*this, used)) return narrow->select(columns);
  }
  std::vector<BoundExpr> exprs;
  std::vector<Field> fields;
  std::vector<frame::ColumnOrigin> origin;  // the input column each output column passes, if any
  for (const Column& c : columns) {
    exprs.push_back(frame::bind(c, *schema_));
    fields.push_back({exprs.back().name, exprs.back().type, true});
    const BoundExpr* plain = plain_column(exprs.back());
    origin.push_back(plain ? frame::ColumnOrigin(std::pair<std::size_t, std::size_t>{0, plain->column}) : std::nullopt);
  }
  auto out = std::make_shared<const Schema>(std::move(fields));
  std::string text = "Project [" + names_of(exprs) + "]";
  auto batches = frame::project(data_->batches, schema_, std::move(exprs));
  auto data = std::make_shared<detail::FrameData>(*with_batches(*data_, *schema_, batches, std::move(text)));
  // Column pruning through the projection: a select over it makes it again with only the
  // columns that select uses, which prunes what is below it in turn.
  if (batches.config().optimizer) {
    data->read_columns = [below = *this, columns](const std::vector<std::size_t>& used) {
      std::vector<Column> kept;  // (a select over `below`, cached or not, reads what it should)
      for (std::size_t i : used) kept.push_back(columns[i]);
      return below.select(kept);
    };
  }
  // Filter pushdown through the projection, where what is below takes filters: the conjuncts
  // over plain columns (renamed or not) filter the input, the projection is made again on
  // top, the other conjuncts filter its output.
  if (data_->push_filter && !data_->cached()) {
    data->push_filter = [below = *this, columns, out, origin](const Column& condition) -> std::optional<DataFrame> {
      if (below.data_->cached()) return std::nullopt;  // cached since: read the cache
      const frame::SplitFilter split = frame::split_filter(condition, *out, origin, {below.schema_.get()});
      if (split.to[0].empty()) return std::nullopt;
      const DataFrame projected = below.filter(frame::conjunction(split.to[0])).select(columns);
      return split.rest.empty() ? projected : projected.filter(frame::conjunction(split.rest));
    };
  }
  return DataFrame(out, std::move(data));
}

DataFrame DataFrame::select(const std::vector<std::string>& names) const {
  std::vector<Column> columns;
  for (const std::string& n : names) columns.push_back(functions::col(n));
  return select(columns);
}

DataFrame DataFrame::filter(const Column& condition) const {
  BoundExpr predicate = frame::bind(condition, *schema_);
  if (predicate.type != Type::kBool) {
    throw Error(ExitCode::kUsage, "filter: " + predicate.name + " is a " + std::string(type_name(predicate.type)) +
                                      ", not a boolean condition");
  }
  std::string text = "Filter " + predicate.name;
  // Filter pushdown (optimizer/scan_frame.cpp): into the scan below, which evaluates it as it
  // builds each batch.
  if (data_->push_filter && !data_->cached()) {
    if (const auto pushed = data_->push_filter(condition)) {
      auto as_written = std::make_shared<const detail::PlanNode>(
          detail::PlanNode{std::move(text), {detail::plan_of(*data_, *schema_)}, nullptr});
      return DataFrame(pushed->schema_, detail::rewritten(*pushed->data_, *pushed->schema_, std::move(as_written)));
    }
  }
  auto batches = data_->batches->flat_map([in = schema_, predicate = std::move(predicate)](const std::string& bytes) {
    const RecordBatch b = frame::decode_batch(bytes, *in);
    const std::vector<std::uint32_t> rows = frame::select_true(predicate, b);
    std::vector<std::string> out;
    if (rows.size() == b.rows) {
      out.push_back(bytes);
    } else if (!rows.empty()) {
      frame::encode_batch(frame::gather(b, rows), out.emplace_back());
    }
    return out;  // no empty batch: take(n) of batches then holds n rows
  });
  auto data = std::make_shared<detail::FrameData>(*with_batches(*data_, *schema_, batches, std::move(text)));
  // Column pruning through the filter (optimizer/column_pruning.cpp).
  if (batches.config().optimizer) data->read_columns = detail::filter_pruning(*this, condition);
  // A filter that stays here lets later ones past it (filters commute), down to where they go.
  if (data_->push_filter && !data_->cached()) {
    data->push_filter = [below = *this, condition](const Column& later) -> std::optional<DataFrame> {
      if (below.data_->cached()) return std::nullopt;  // cached since: read the cache
      const auto pushed = below.data_->push_filter(later);
      if (!pushed) return std::nullopt;
      return pushed->filter(condition);
    };
  }
  return DataFrame(schema_, std::move(data));
}

DataFrame DataFrame::with_column(const std::string& name, const Column& value) const {
  std::vector<Column> columns;
  bool replaced = false;
  for (const Field& f : schema_->fields()) {
    if (schema_->find(name) && *schema_->find(name) == columns.size()) {
      columns.push_back(value.alias(name));
      replaced = true;
    } else {
      columns.push_back(functions::col(f.name));
    }
  }
  if (!replaced) columns.push_back(value.alias(name));
  return select(columns);
}

DataFrame DataFrame::with_column_renamed(const std::string& from, const std::string& to) const {
  const auto i = schema_->find(from);
  if (!i) return *this;  // Spark: a missing column is no error
  std::vector<Column> columns;
  for (std::size_t k = 0; k < schema_->size(); ++k) {
    const Column c = functions::col((*schema_)[k].name);
    columns.push_back(k == *i ? c.alias(to) : c);
  }
  return select(columns);
}

DataFrame DataFrame::drop(const std::vector<std::string>& names) const {
  std::vector<Column> columns;
  for (const Field& f : schema_->fields()) {
    bool dropped = false;
    for (const std::string& n : names) dropped = dropped || Schema({f}).find(n).has_value();
    if (!dropped) columns.push_back(functions::col(f.name));
  }
  return select(columns);
}

std::int64_t DataFrame::count() const {
  return data_->batches
      ->map([](const std::string& bytes) {
        std::uint32_t rows = 0;
        std::memcpy(&rows, bytes.data(), sizeof rows);  // the codec's first field
        return static_cast<std::int64_t>(rows);
      })
      .fold(0, [](std::int64_t a, std::int64_t b) { return a + b; });
}

namespace {

std::vector<Value> row_values(const RecordBatch& b, std::uint32_t row) {
  std::vector<Value> out;
  for (const frame::Vector& v : b.columns) out.push_back(frame::value_at(v, row));
  return out;
}

std::vector<Row> to_rows(const std::vector<std::string>& batches, const SchemaPtr& schema, std::int64_t limit) {
  std::vector<Row> rows;
  for (const std::string& bytes : batches) {
    const RecordBatch b = frame::decode_batch(bytes, *schema);
    for (std::uint32_t i = 0; i < b.rows && (limit < 0 || static_cast<std::int64_t>(rows.size()) < limit); ++i) {
      rows.emplace_back(schema, row_values(b, i));
    }
  }
  return rows;
}

}  // namespace

std::vector<Row> DataFrame::collect() const { return to_rows(data_->batches->collect(), schema_, -1); }

std::vector<Row> DataFrame::take(std::int64_t n) const {
  if (n <= 0) return {};
  return to_rows(data_->batches->take(static_cast<std::uint64_t>(n)), schema_, n);
}

std::string DataFrame::show_string(int n, int truncate, bool vertical) const {
  n = std::max(n, 0);
  std::vector<std::vector<std::string>> cells;
  for (const std::string& bytes : data_->batches->take(static_cast<std::uint64_t>(n) + 1)) {
    const RecordBatch b = frame::decode_batch(bytes, *schema_);
    for (std::uint32_t i = 0; i < b.rows && cells.size() <= static_cast<std::size_t>(n); ++i) {
      auto& row = cells.emplace_back();
      for (const frame::Vector& v : b.columns) row.push_back(frame::pretty_cell(v, i));
    }
  }
  return frame::show_string(schema_->names(), cells, n, truncate, vertical);
}

void DataFrame::show(int n, int truncate, bool vertical) const {
  const std::string text = show_string(n, truncate, vertical) + "\n";  // Spark's println(showString(...))
  if (!data_->driver) return;
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

void DataFrame::print_schema() const {
  if (!data_->driver) return;
  const std::string text = schema_->tree_string() + "\n";  // Spark's println(schema.treeString)
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

namespace detail {

DataFrame frame_from_values(Session& session, Schema schema, std::vector<std::vector<Value>> rows, int slices) {
  auto shared = std::make_shared<const Schema>(std::move(schema));
  std::vector<std::string> batches;
  for (std::size_t start = 0; start < rows.size(); start += frame::kBatchRows) {
    const std::size_t end = std::min(rows.size(), start + frame::kBatchRows);
    std::string& bytes = batches.emplace_back();
    frame::encode_batch(frame::batch_of(*shared, rows, start, end), bytes);
  }
  // As Spark's createDataFrame: small data in several partitions, a batch per partition
  // at most, so that every executor gets rows to work on.
  if (slices <= 0) slices = static_cast<int>(std::max<std::size_t>(1, batches.size()));
  return DataFrame(shared, with_plan(Dataset<std::string>(session.parallelize(std::move(batches), slices)),
                                     session.is_driver(), "LocalRelation [" + column_list(*shared) + "]", {}));
}

}  // namespace detail

}  // namespace dataflow
