// group_by(...).agg(...): each partition folded into one typed state per group
// (PartialAggregation, its hash table living across the partition's batches), the states
// sent as batches to each key's reduce partition and merged there (MergedGroups), then
// finished into batches of up to kBatchRows rows. order_by: rows keyed by a memcmp-ordered sort key,
// sorted by the engine's range sort, then gathered back into batches; it also records how
// limit(n) takes the top n without that sort.
#include <algorithm>
#include <memory>
#include <optional>
#include <utility>

#include "dataflow/dataframe.hpp"
#include "frame/api/batch_shuffle.hpp"
#include "frame/api/frame_data.hpp"
#include "frame/expr/aggregate.hpp"
#include "frame/expr/bound_expr.hpp"
#include "frame/expr/value_codec.hpp"
#include "frame/optimizer/column_pruning.hpp"
#include "frame/optimizer/filter_pushdown.hpp"
#include "frame/optimizer/predicate.hpp"
#include "frame/vector/group_table.hpp"
#include "frame/vector/record_batch.hpp"
#include "frame/vector/row_codec.hpp"

namespace dataflow {
namespace {

using detail::ExprKind;
using frame::AggregateSpec;
using frame::BoundExpr;
using frame::RecordBatch;

// GroupedData's shortcuts: fn over the named columns, or over every numeric column when
// none is named (Spark's rule).
std::vector<Column> over(Column (*fn)(const functions::ColumnOrName&), const std::vector<std::string>& names,
                         const Schema& schema) {
  std::vector<Column> out;
  for (const std::string& n : names) out.push_back(fn(n));
  if (names.empty()) {
    for (std::size_t i = 0; i < schema.size(); ++i) {
      if (is_numeric(schema[i].type)) out.push_back(fn(schema[i].name));
    }
  }
  return out;
}

// An order_by key: the bound expression and its direction.
struct SortKey {
  BoundExpr expr;
  bool ascending = true, nulls_first = true;
};

using KeyedRow = std::pair<std::string, std::string>;  // (memcmp-ordered sort key, the row's cells)

// Each row of an encoded batch as (its sort key, its cells' bytes).
std::vector<KeyedRow> keyed_rows(const std::string& bytes, const Schema& in, const std::vector<SortKey>& keys) {
  const RecordBatch b = frame::decode_batch(bytes, in);
  std::vector<std::string> cells(b.rows);
  for (const frame::Vector& v : b.columns) frame::append_cells(v, cells, false);
  std::vector<frame::Vector> cols;
  for (const SortKey& k : keys) cols.push_back(frame::evaluate(k.expr, b));
  std::vector<KeyedRow> out;
  out.reserve(b.rows);
  for (std::uint32_t r = 0; r < b.rows; ++r) {
    std::string key;
    for (std::size_t i = 0; i < keys.size(); ++i) {
      frame::append_sort_key(key, frame::value_at(cols[i], r), keys[i].ascending, keys[i].nulls_first);
    }
    out.emplace_back(std::move(key), std::move(cells[r]));
  }
  return out;
}

// Rows of cells, in order, as batches of up to kBatchRows rows (none for no rows).
std::vector<std::string> to_batches(const std::vector<std::string>& rows, const Schema& schema) {
  frame::BatchWriter writer(schema);
  for (const std::string& row : rows) {
    std::size_t at = 0;
    for (std::size_t c = 0; c < schema.size(); ++c) frame::read_cell(row, at, writer.column(c));
    writer.row_done();
  }
  return writer.finish();
}

bool key_less(const KeyedRow& a, const KeyedRow& b) { return a.first < b.first; }

// Keeps the n smallest rows by key (in no order).
void keep_first(std::vector<KeyedRow>& rows, std::uint64_t n) {
  if (rows.size() <= n) return;
  std::nth_element(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(n), rows.end(), key_less);
  rows.resize(static_cast<std::size_t>(n));
}

// Spark's TakeOrderedAndProject: each partition keeps its n first rows by key (trimmed
// whenever twice n have piled up), one partition sorts those and keeps n.
Dataset<std::string> top_n(const Dataset<std::string>& input, std::shared_ptr<const Schema> in,
                           const std::vector<SortKey>& keys, std::uint64_t n) {
  auto heads = input.map_partitions([in, keys, n](std::vector<std::string>& batches) {
    std::vector<KeyedRow> kept;
    if (n == 0) return kept;
    for (const std::string& bytes : batches) {
      for (KeyedRow& row : keyed_rows(bytes, *in, keys)) kept.push_back(std::move(row));
      if (kept.size() > n && kept.size() - n > n) keep_first(kept, n);
    }
    keep_first(kept, n);
    return kept;
  });
  auto gathered = heads.partition_by(1).map_partitions([in, n](std::vector<KeyedRow>& candidates) {
    keep_first(candidates, n);
    std::sort(candidates.begin(), candidates.end(), key_less);
    std::vector<std::string> rows;
    rows.reserve(candidates.size());
    for (KeyedRow& row : candidates) rows.push_back(std::move(row.second));
    return to_batches(rows, *in);
  });
  return Dataset<std::string>(gathered);
}

// A reduce partition of an aggregate: the groups of its state batches merged by key (slice
// by slice of the key hashes when they outgrow the task's memory), then each group's key
// columns and results as batches of `out`, each tagged with the position of its first
// group among the partition's states (the one-pass order, for run_sliced).
void merge_partition(detail::TaskContext& ctx, const std::vector<detail::Block>& blocks, const Schema& out,
                     std::size_t keys, const std::vector<frame::AggregateSpec>& specs, detail::Emit<std::string> emit) {
  auto body = [&](const detail::Slice& slice, auto&& tagged) {
    frame::MergedGroups groups(specs);
    detail::TableBudget budget(ctx.memory);
    std::vector<std::uint64_t> first;  // each group's position
    std::uint64_t position = 0;
    detail::for_each_block(blocks, [&](std::string_view block) {
      detail::decode_all<detail::BatchPart>(block, [&](detail::BatchPart&& part) {
        const frame::RecordBatch b = frame::decode_batch(part.second, frame::state_batch_schema());
        for (std::uint32_t r = 0; r < b.rows; ++r) {
          const std::uint64_t at = position++;
          const std::string_view key = b.columns[0].string(r);
          const std::uint64_t h = frame::GroupTable::hash(key);
          if (!slice.contains(h)) continue;
          const std::uint32_t before = groups.size();
          groups.add(key, h, b.columns[1].string(r));
          if (groups.size() != before) first.push_back(at);
        }
        if (budget.bounded() && !budget.update(groups.bytes() + first.capacity() * sizeof(std::uint64_t))) {
          throw groups.size() == 1 ? detail::OverBudget{true, groups.hash(0)} : detail::OverBudget{};
        }
      });
    });
    frame::BatchWriter writer(out);
    groups.finish(writer, keys);
    const std::vector<std::string> batches = writer.finish();
    for (std::size_t i = 0; i < batches.size(); ++i) tagged(first[i * frame::kBatchRows], batches[i]);
  };
  detail::run_sliced<std::string>(ctx.memory, "aggregate", body, emit);
}

// The aggregate's plan node with the operators that run it, as Spark's physical plan shows
// them: the final half over the exchange of the states over the partial half.
detail::PlanPtr physical_aggregate(const detail::PlanNode& node, const std::string& keys,
                                   const std::vector<Column>& aggregates, std::uint32_t partitions) {
  std::string final_fns, partial_fns;
  for (Column c : aggregates) {
    while (c.node()->kind == ExprKind::kAlias) c = Column(c.node()->children.at(0));
    final_fns += (final_fns.empty() ? "" : ", ") + c.name();
    partial_fns += (partial_fns.empty() ? "partial_" : ", partial_") + c.name();
  }
  auto out = std::make_shared<detail::PlanNode>(node);
  out->physical = {"HashAggregate(keys=[" + keys + "], functions=[" + final_fns + "])",
                   keys.empty() ? std::string("Exchange SinglePartition")
                                : "Exchange hashpartitioning(" + keys + ", " + std::to_string(partitions) + ")",
                   "HashAggregate(keys=[" + keys + "], functions=[" + partial_fns + "])"};
  return out;
}

}  // namespace

GroupedData DataFrame::group_by(const std::vector<Column>& keys) const {
  for (const Column& k : keys) frame::bind(k, *schema_);  // a wrong name fails here
  return GroupedData(*this, keys);
}

DataFrame DataFrame::agg(const std::vector<Column>& aggregates) const { return group_by().agg(aggregates); }

DataFrame GroupedData::agg(const std::vector<Column>& aggregates) const {
  const Schema& in = frame_.schema();
  std::vector<BoundExpr> keys;
  std::vector<Field> fields;
  for (const Column& k : keys_) {
    keys.push_back(frame::bind(k, in));
    fields.push_back({keys.back().name, keys.back().type, true});
  }
  std::vector<AggregateSpec> specs;
  for (const Column& c : aggregates) {
    specs.push_back(frame::aggregate_spec(c, in));
    fields.push_back({specs.back().name, specs.back().type, true});
  }
  // Column pruning (optimizer/column_pruning.cpp): the input made again with only the
  // columns the keys and the aggregates read, down to the scans where it can.
  std::vector<bool> read(in.size());  // the columns the keys and the aggregates read
  for (const BoundExpr& k : keys) frame::mark_columns(k, read);
  for (const AggregateSpec& a : specs) {
    for (const BoundExpr& e : a.inputs) frame::mark_columns(e, read);
  }
  if (const auto narrow = detail::narrowed(frame_, read)) return GroupedData(*narrow, keys_).agg(aggregates);
  auto out = std::make_shared<const Schema>(std::move(fields));
  // Each partition folded into its groups' states, sent as batches of states to each key's
  // reduce partition, merged there (slice by slice of the key hashes when they outgrow the
  // task's memory) and finished into batches of the output.
  using Shuffles = detail::BatchShuffles;
  const Dataset<std::string>& input = frame_.data_->batches;
  const std::uint32_t partitions = Shuffles::default_partitions(input);
  // The map side streams its partition: when the groups outgrow the task's memory, their
  // states so far go to the shuffle (which spills) and a new table starts.
  // The map side decodes only the columns it reads.
  auto partials = Shuffles::stream_partitions<detail::BatchPart>(
      input, "partial aggregate",
      [in = frame_.schema_, read, keys, specs, partitions](detail::TaskContext& ctx,
                                                           const detail::Producer<std::string>& upstream,
                                                           detail::Emit<detail::BatchPart> emit) {
        std::optional<frame::PartialAggregation> groups(std::in_place, keys, specs);
        if (keys.empty()) groups->add_empty_group();  // no keys: one row even for no input (count 0)
        detail::TableBudget budget(ctx.memory);
        auto flush = [&] {
          for (const detail::BatchPart& part : groups->finish_by_partition(partitions)) emit(part);
          groups.emplace(keys, specs);
          budget.reset();
        };
        auto add = [&](const std::string& bytes) {
          groups->add(frame::decode_batch(bytes, *in, read));
          if (budget.bounded() && !budget.update(groups->bytes())) flush();
        };
        upstream(ctx, detail::Emit<std::string>(add));
        flush();
      });
  auto batches = Shuffles::to_partitions<std::string>(
      partials, "aggregate", partitions,
      [out, keys = keys.size(), specs](detail::TaskContext& ctx, const std::vector<detail::Block>& blocks,
                                       detail::Emit<std::string> emit) {
        merge_partition(ctx, blocks, *out, keys, specs, emit);
      });
  auto data = std::make_shared<detail::FrameData>(*detail::with_plan(
      batches, frame_.data_->driver,
      "Aggregate [" + detail::column_list(*out, keys.size()) + "], [" + detail::column_list(*out) + "]",
      {detail::plan_of(*frame_.data_, in)}));
  data->plan = physical_aggregate(*data->plan, detail::column_list(*out, keys.size()), aggregates, partitions);
  // Filter pushdown below the aggregate for conditions on plain grouping keys
  // (optimizer/filter_pushdown.cpp).
  if (batches.config().optimizer) {
    std::vector<frame::ColumnOrigin> origin(out->size());
    for (std::size_t k = 0; k < keys.size(); ++k) {
      const BoundExpr* key = &keys[k];
      while (key->kind == detail::ExprKind::kAlias) key = &key->children[0];
      if (key->kind == detail::ExprKind::kColumn) origin[k] = std::pair<std::size_t, std::size_t>{0, key->column};
    }
    data->push_filter = detail::aggregate_pushdown(
        frame_, out, std::move(origin),
        [keys = keys_, aggregates](const DataFrame& filtered) { return GroupedData(filtered, keys).agg(aggregates); });
  }
  return DataFrame(out, std::move(data));
}

DataFrame GroupedData::agg(const std::vector<std::pair<std::string, std::string>>& column_function) const {
  std::vector<Column> aggregates;
  for (const auto& [column, fn] : column_function) {
    std::string f = fn;
    for (char& ch : f) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (f == "average" || f == "mean") f = "avg";
    if (f == "size") f = "count";
    if (f == "count") {
      aggregates.push_back(functions::count(column));
    } else if (f == "sum") {
      aggregates.push_back(functions::sum(column));
    } else if (f == "avg") {
      aggregates.push_back(functions::avg(column));
    } else if (f == "min") {
      aggregates.push_back(functions::min(column));
    } else if (f == "max") {
      aggregates.push_back(functions::max(column));
    } else if (f == "first") {
      aggregates.push_back(functions::first(column));
    } else {
      throw Error(ExitCode::kUsage, "agg: unknown aggregate function '" + fn + "' (sum, avg, count, min, max, first)");
    }
  }
  return agg(aggregates);
}

DataFrame GroupedData::count() const { return agg({functions::count("*").alias("count")}); }
DataFrame GroupedData::sum(const std::vector<std::string>& names) const {
  return agg(over(&functions::sum, names, frame_.schema()));
}
DataFrame GroupedData::avg(const std::vector<std::string>& names) const {
  return agg(over(&functions::avg, names, frame_.schema()));
}
DataFrame GroupedData::min(const std::vector<std::string>& names) const {
  return agg(over(&functions::min, names, frame_.schema()));
}
DataFrame GroupedData::max(const std::vector<std::string>& names) const {
  return agg(over(&functions::max, names, frame_.schema()));
}

DataFrame DataFrame::order_by(const std::vector<Column>& keys) const {
  std::vector<SortKey> bound;
  for (const Column& c : keys) {
    const detail::ExprNode& n = *c.node();
    SortKey k;
    if (n.kind == ExprKind::kSortOrder) {
      k.expr = frame::bind(Column(n.children.at(0)), *schema_);
      k.ascending = n.ascending;
      k.nulls_first = n.nulls_first;
    } else {
      k.expr = frame::bind(c, *schema_);
    }
    bound.push_back(std::move(k));
  }
  auto rows = data_->batches->flat_map(
      [in = schema_, bound](const std::string& bytes) { return keyed_rows(bytes, *in, bound); });
  auto sorted = rows.sort_by_key().values().map_partitions(
      [out = schema_](std::vector<std::string>& sorted_rows) { return to_batches(sorted_rows, *out); });
  std::string order;
  for (const SortKey& k : bound) {
    order += (order.empty() ? "" : ", ") + k.expr.name + (k.ascending ? " ASC" : " DESC") +
             (k.nulls_first ? " NULLS FIRST" : " NULLS LAST");
  }
  auto data = std::make_shared<detail::FrameData>(*detail::with_plan(
      Dataset<std::string>(sorted), data_->driver, "Sort [" + order + "], true", {detail::plan_of(*data_, *schema_)}));
  data->top_n = [input = data_->batches, in = schema_, bound](std::uint64_t n) { return top_n(input, in, bound, n); };
  return DataFrame(schema_, std::move(data));
}

}  // namespace dataflow
