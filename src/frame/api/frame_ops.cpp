// Frame-level operations: limit (per-partition heads, gathered in partition order),
// distinct and drop_duplicates (rows keyed by their values, one kept per key), unions (by
// position or name, types widened), repartition / coalesce, persistence, first, is_empty and
// to_df's non-template half.
#include <algorithm>
#include <cstring>
#include <utility>

#include "dataflow/dataframe.hpp"
#include "frame/api/frame_data.hpp"
#include "frame/api/frame_rows.hpp"
#include "frame/expr/value_codec.hpp"
#include "frame/optimizer/filter_pushdown.hpp"

namespace dataflow {
namespace {

using frame::BoundExpr;
using frame::RecordBatch;
using frame::SchemaPtr;

std::uint32_t batch_rows(const std::string& bytes) {
  std::uint32_t rows = 0;
  std::memcpy(&rows, bytes.data(), sizeof rows);  // the codec's first field
  return rows;
}

std::string names_of(const Schema& s) {
  std::string out;
  for (const Field& f : s.fields()) out += (out.empty() ? "" : ", ") + f.name;
  return out;
}

// Rows keyed by the values of `key_columns` (all when empty), one kept per key: the one
// whose bytes are least, so every run and rank count keeps the same row.
Dataset<std::string> one_row_per_key(const Dataset<std::string>& batches, const SchemaPtr& schema,
                                     std::vector<std::size_t> key_columns) {
  auto pairs = batches.flat_map([schema, key_columns](const std::string& bytes) {
    const RecordBatch b = frame::decode_batch(bytes, *schema);
    std::vector<frame::Vector> keys;
    for (std::size_t c : key_columns) keys.push_back(b.columns[c]);
    std::vector<std::pair<std::string, std::string>> out;
    out.reserve(b.rows);
    for (std::uint32_t r = 0; r < b.rows; ++r) {
      std::string row = frame::encode_row(b.columns, r);
      std::string key = key_columns.empty() ? row : frame::encode_row(keys, r);
      out.emplace_back(std::move(key), std::move(row));
    }
    return out;
  });
  auto kept = pairs.reduce_by_key([](const std::string& a, const std::string& b) { return b < a ? b : a; }).values();
  return frame::rows_to_batches(Dataset<std::string>(kept), schema);
}

}  // namespace

DataFrame DataFrame::limit(std::int64_t n) const {
  if (n < 0) throw Error(ExitCode::kUsage, "limit: the count must not be negative, not " + std::to_string(n));
  const auto wanted = static_cast<std::uint64_t>(n);
  if (data_->top_n) {  // a frame made by order_by: its top n, without sorting every row
    return DataFrame(schema_, detail::with_plan(data_->top_n(wanted), data_->driver, "GlobalLimit " + std::to_string(n),
                                                {detail::plan_of(*data_, *schema_)}));
  }
  // Each partition's first n rows, keyed by (partition, batch) so that one partition can put
  // the heads back in the frame's order; then the first n of those.
  auto heads = data_->batches->map_partitions_with_index([wanted, in = schema_](std::uint32_t partition,
                                                                                std::vector<std::string>& batches) {
    std::vector<std::pair<std::string, std::string>> out;
    std::uint64_t taken = 0;
    for (std::uint32_t i = 0; i < batches.size() && taken < wanted; ++i) {
      std::string key;
      for (std::uint32_t v : {partition, i}) {
        for (int shift = 24; shift >= 0; shift -= 8) key += static_cast<char>(v >> shift & 0xff);
      }
      const std::uint32_t rows = batch_rows(batches[i]);
      if (taken + rows <= wanted) {
        out.emplace_back(std::move(key), std::move(batches[i]));
        taken += rows;
        continue;
      }
      std::vector<std::uint32_t> first(static_cast<std::size_t>(wanted - taken));
      for (std::uint32_t r = 0; r < first.size(); ++r) first[r] = r;
      frame::encode_batch(frame::gather(frame::decode_batch(batches[i], *in), first), out.emplace_back(key, "").second);
      taken = wanted;
    }
    return out;
  });
  auto gathered = heads.partition_by(1).map_partitions(
      [wanted, in = schema_](std::vector<std::pair<std::string, std::string>>& parts) {
        std::sort(parts.begin(), parts.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        std::vector<std::string> out;
        std::uint64_t taken = 0;
        for (auto& [key, bytes] : parts) {
          if (taken == wanted) break;
          const std::uint32_t rows = batch_rows(bytes);
          if (taken + rows <= wanted) {
            out.push_back(std::move(bytes));
            taken += rows;
            continue;
          }
          std::vector<std::uint32_t> first(static_cast<std::size_t>(wanted - taken));
          for (std::uint32_t r = 0; r < first.size(); ++r) first[r] = r;
          frame::encode_batch(frame::gather(frame::decode_batch(bytes, *in), first), out.emplace_back());
          taken = wanted;
        }
        return out;
      });
  return DataFrame(schema_, detail::with_plan(gathered, data_->driver, "GlobalLimit " + std::to_string(n),
                                              {detail::plan_of(*data_, *schema_)}));
}

DataFrame DataFrame::distinct() const {
  return DataFrame(schema_, detail::with_plan(one_row_per_key(data_->batches, schema_, {}), data_->driver, "Distinct",
                                              {detail::plan_of(*data_, *schema_)}));
}

DataFrame DataFrame::drop_duplicates(const std::vector<std::string>& subset) const {
  if (subset.empty()) return distinct();
  std::vector<std::size_t> keys;
  for (const std::string& name : subset) keys.push_back(schema_->resolve(name));
  std::string names;
  for (std::size_t k : keys) names += (names.empty() ? "" : ", ") + (*schema_)[k].name;
  return DataFrame(schema_, detail::with_plan(one_row_per_key(data_->batches, schema_, keys), data_->driver,
                                              "Deduplicate [" + names + "]", {detail::plan_of(*data_, *schema_)}));
}

namespace {

// Both sides' batches as `out`: each side's columns `take` (an index, or none for a null)
// cast to the output's types.
Dataset<std::string> as_schema(const Dataset<std::string>& batches, const SchemaPtr& in, const Schema& out,
                               const std::vector<std::optional<std::size_t>>& take) {
  std::vector<BoundExpr> exprs;
  bool same = in->size() == out.size();
  for (std::size_t i = 0; i < out.size(); ++i) {
    exprs.push_back(take[i] ? frame::as_type(frame::column_ref(*in, *take[i]), out[i].type)
                            : frame::null_of(out[i].type));
    same = same && take[i] == i && (*in)[i].type == out[i].type;
  }
  return same ? batches : frame::project(batches, in, std::move(exprs));
}

}  // namespace

DataFrame DataFrame::union_all(const DataFrame& other) const {
  const Schema& a = *schema_;
  const Schema& b = *other.schema_;
  if (a.size() != b.size()) {
    throw Error(ExitCode::kUsage, "union: the frames have " + std::to_string(a.size()) + " and " +
                                      std::to_string(b.size()) + " columns; union needs the same number");
  }
  std::vector<Field> fields;
  std::vector<std::optional<std::size_t>> take;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto t = frame::common_type(a[i].type, b[i].type);
    if (!t) {
      throw Error(ExitCode::kUsage, "union: column " + std::to_string(i + 1) + " is " +
                                        std::string(type_name(a[i].type)) + " (" + a[i].name +
                                        ") in the first frame and " + std::string(type_name(b[i].type)) + " (" +
                                        b[i].name + ") in the second");
    }
    fields.push_back({a[i].name, *t, true});
    take.emplace_back(i);
  }
  auto out = std::make_shared<const Schema>(std::move(fields));
  auto batches = as_schema(data_->batches, schema_, *out, take)
                     .union_with(as_schema(other.data_->batches, other.schema_, *out, take));
  auto data = std::make_shared<detail::FrameData>(*detail::with_plan(
      batches, data_->driver, "Union", {detail::plan_of(*data_, a), detail::plan_of(*other.data_, b)}));
  // Filter pushdown into both sides (optimizer/filter_pushdown.cpp).
  if (batches.config().optimizer) {
    data->push_filter = detail::union_pushdown(*this, other, out, take, take,
                                               [](const DataFrame& l, const DataFrame& r) { return l.union_all(r); });
  }
  return DataFrame(out, std::move(data));
}

DataFrame DataFrame::union_by_name(const DataFrame& other, bool allow_missing_columns) const {
  const Schema& a = *schema_;
  const Schema& b = *other.schema_;
  std::vector<Field> fields;
  std::vector<std::optional<std::size_t>> take_a, take_b;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto j = b.find(a[i].name);
    if (!j && !allow_missing_columns) {
      throw Error(ExitCode::kUsage, "union_by_name: cannot resolve column '" + a[i].name + "' in the second frame (" +
                                        names_of(b) + "); pass allow_missing_columns = true to fill it with nulls");
    }
    const auto t = j ? frame::common_type(a[i].type, b[*j].type) : std::optional<Type>(a[i].type);
    if (!t) {
      throw Error(ExitCode::kUsage, "union_by_name: column '" + a[i].name + "' is " +
                                        std::string(type_name(a[i].type)) + " in the first frame and " +
                                        std::string(type_name(b[*j].type)) + " in the second");
    }
    fields.push_back({a[i].name, *t, true});
    take_a.emplace_back(i);
    take_b.push_back(j);
  }
  for (std::size_t j = 0; j < b.size(); ++j) {
    if (a.find(b[j].name)) continue;
    if (!allow_missing_columns) {
      throw Error(ExitCode::kUsage, "union_by_name: the second frame's column '" + b[j].name +
                                        "' is not in the first (" + names_of(a) +
                                        "); pass allow_missing_columns = true to fill it with nulls");
    }
    fields.push_back({b[j].name, b[j].type, true});
    take_a.emplace_back(std::nullopt);
    take_b.emplace_back(j);
  }
  auto out = std::make_shared<const Schema>(std::move(fields));
  auto batches = as_schema(data_->batches, schema_, *out, take_a)
                     .union_with(as_schema(other.data_->batches, other.schema_, *out, take_b));
  auto data = std::make_shared<detail::FrameData>(*detail::with_plan(
      batches, data_->driver, "Union false, " + std::string(allow_missing_columns ? "true" : "false"),
      {detail::plan_of(*data_, a), detail::plan_of(*other.data_, b)}));
  // Filter pushdown into both sides, each by its own names (optimizer/filter_pushdown.cpp).
  if (batches.config().optimizer) {
    data->push_filter = detail::union_pushdown(*this, other, out, take_a, take_b,
                                               [allow_missing_columns](const DataFrame& l, const DataFrame& r) {
                                                 return l.union_by_name(r, allow_missing_columns);
                                               });
  }
  return DataFrame(out, std::move(data));
}

namespace {

void check_partitions(const char* op, int partitions) {
  if (partitions < 1) {
    throw Error(ExitCode::kUsage,
                std::string(op) + ": partitions must be at least 1, not " + std::to_string(partitions));
  }
}

}  // namespace

DataFrame DataFrame::repartition(int partitions) const {
  check_partitions("repartition", partitions);
  // Rows spread round robin from each batch's own start (Spark's RoundRobinPartitioning).
  auto rows = data_->batches->flat_map([in = schema_](const std::string& bytes) {
    const RecordBatch b = frame::decode_batch(bytes, *in);
    std::vector<std::pair<std::string, std::string>> out;
    const std::size_t start = std::hash<std::string>{}(bytes);
    for (std::uint32_t r = 0; r < b.rows; ++r) {
      std::string key;
      frame::encode_value(key, Value(static_cast<std::int64_t>((start + r) & 0x7fffffff)));
      out.emplace_back(std::move(key), frame::encode_row(b.columns, r));
    }
    return out;
  });
  auto spread = Dataset<std::string>(rows.partition_by(partitions).values());
  return DataFrame(schema_, detail::with_plan(frame::rows_to_batches(spread, schema_), data_->driver,
                                              "Repartition " + std::to_string(partitions) + ", true",
                                              {detail::plan_of(*data_, *schema_)}));
}

DataFrame DataFrame::repartition(int partitions, const std::vector<Column>& columns) const {
  check_partitions("repartition", partitions);
  if (columns.empty()) return repartition(partitions);
  std::vector<BoundExpr> keys;
  std::string names;
  for (const Column& c : columns) {
    keys.push_back(frame::bind(c, *schema_));
    names += (names.empty() ? "" : ", ") + keys.back().name;
  }
  auto rows = data_->batches->flat_map([in = schema_, keys](const std::string& bytes) {
    const RecordBatch b = frame::decode_batch(bytes, *in);
    std::vector<frame::Vector> key_columns;
    for (const BoundExpr& k : keys) key_columns.push_back(frame::evaluate(k, b));
    std::vector<std::pair<std::string, std::string>> out;
    for (std::uint32_t r = 0; r < b.rows; ++r) {
      out.emplace_back(frame::encode_row(key_columns, r), frame::encode_row(b.columns, r));
    }
    return out;
  });
  auto hashed = Dataset<std::string>(rows.partition_by(partitions).values());
  return DataFrame(schema_, detail::with_plan(frame::rows_to_batches(hashed, schema_), data_->driver,
                                              "RepartitionByExpression [" + names + "], " + std::to_string(partitions),
                                              {detail::plan_of(*data_, *schema_)}));
}

DataFrame DataFrame::coalesce(int partitions) const {
  check_partitions("coalesce", partitions);
  return DataFrame(schema_, detail::with_plan(data_->batches->coalesce(partitions), data_->driver,
                                              "Repartition " + std::to_string(partitions) + ", false",
                                              {detail::plan_of(*data_, *schema_)}));
}

DataFrame DataFrame::persist(StorageLevel level) const {
  data_->batches->persist(level);  // marks this frame's own node, as Spark's cache()
  *data_->persisted = true;
  return *this;
}

DataFrame DataFrame::unpersist() const {
  data_->batches->unpersist();
  *data_->persisted = false;
  return *this;
}

Row DataFrame::first() const {
  std::vector<Row> rows = take(1);
  if (rows.empty()) throw Error(ExitCode::kDataError, "first of an empty DataFrame");
  return std::move(rows.front());
}

bool DataFrame::is_empty() const { return data_->batches->take(1).empty(); }

namespace detail {

void append_frame_value(std::string& out, const Value& v) { frame::encode_value(out, v); }

DataFrame frame_from_rows(Dataset<std::string> rows, Schema schema, bool driver, std::string plan) {
  auto shared = std::make_shared<const Schema>(std::move(schema));
  auto data = with_plan(frame::rows_to_batches(rows, shared), driver,
                        "LogicalRDD [" + names_of(*shared) + "], " + std::move(plan), {});
  return DataFrame(shared, data);
}

}  // namespace detail

}  // namespace dataflow
