#include "frame/optimizer/column_pruning.hpp"

#include <utility>

#include "frame/api/frame_data.hpp"
#include "frame/api/frame_rows.hpp"
#include "frame/expr/bound_expr.hpp"
#include "frame/optimizer/predicate.hpp"
#include "frame/vector/record_batch.hpp"

namespace dataflow::detail {

namespace {

// The indices marked in `used`, at least one: count(*) or select(lit(1)) still needs a
// column to count rows by.
std::vector<std::size_t> kept_columns(const std::vector<bool>& used) {
  std::vector<std::size_t> keep;
  for (std::size_t i = 0; i < used.size(); ++i) {
    if (used[i]) keep.push_back(i);
  }
  if (keep.empty()) keep.push_back(0);
  return keep;
}

}  // namespace

std::optional<DataFrame> narrowed(const DataFrame& df, const std::vector<bool>& used) {
  const std::shared_ptr<const FrameData>& data = FrameAccess::data(df);
  const Schema& schema = df.schema();
  if (!data->read_columns || data->cached()) return std::nullopt;
  const std::vector<std::size_t> keep = kept_columns(used);
  if (keep.size() >= schema.size()) return std::nullopt;
  DataFrame narrow = data->read_columns(keep);
  if (narrow.schema().size() >= schema.size()) return std::nullopt;
  if (data->broadcast) narrow = narrow.hint_broadcast();
  auto same = rewritten(*FrameAccess::data(narrow), narrow.schema(), plan_of(*data, schema));
  same->id = data->id;  // df["x"] of df still means its column
  return DataFrame(FrameAccess::schema(narrow), std::move(same));
}

DataFrame narrowed_or_projected(const DataFrame& side, const std::vector<bool>& used) {
  if (auto narrow = narrowed(side, used)) return *std::move(narrow);
  const Schema& schema = side.schema();
  const std::vector<std::size_t> keep = kept_columns(used);
  if (keep.size() >= schema.size()) return side;
  const std::shared_ptr<const FrameData>& data = FrameAccess::data(side);
  std::vector<frame::BoundExpr> columns;
  std::vector<Field> fields;
  for (std::size_t i : keep) {
    columns.push_back(frame::column_ref(schema, i));
    fields.push_back(schema[i]);
  }
  auto out = std::make_shared<const Schema>(std::move(fields));
  auto projected = std::make_shared<FrameData>(
      *with_plan(frame::project(data->batches, FrameAccess::schema(side), std::move(columns)), data->driver,
                 "Project [" + column_list(*out) + "]", {plan_of(*data, schema)}));
  projected->id = data->id;
  const DataFrame df(std::move(out), std::move(projected));
  return data->broadcast ? df.hint_broadcast() : df;
}

namespace {

// The filter of `condition` over the projection of the columns marked in `need` of `below`
// (cached, or rows the program built), as one pass: each wide batch decodes only those
// columns, once, instead of being copied into a narrow batch that the filter then decodes.
// The plan shows the filter over the projection, as written.
DataFrame filtered_projection(const DataFrame& below, const std::vector<bool>& need, const Column& condition) {
  const DataFrame as_written = narrowed_or_projected(below, need).filter(condition);
  const std::vector<std::size_t> keep = kept_columns(need);
  if (keep.size() >= below.schema().size()) return as_written;
  std::vector<bool> mask(below.schema().size());
  for (std::size_t c : keep) mask[c] = true;
  const std::shared_ptr<const FrameData>& under = FrameAccess::data(below);
  Dataset<std::string> fused =
      under->batches->flat_map([in = FrameAccess::schema(below), mask = std::move(mask), keep,
                                predicate = frame::bind(condition, as_written.schema())](const std::string& bytes) {
        frame::RecordBatch wide = frame::decode_batch(bytes, *in, mask);
        frame::RecordBatch b;
        b.rows = wide.rows;
        for (std::size_t c : keep) b.columns.push_back(std::move(wide.columns[c]));
        const std::vector<std::uint32_t> rows = frame::select_true(predicate, b);
        std::vector<std::string> out;
        if (rows.size() == b.rows) {
          frame::encode_batch(b, out.emplace_back());
        } else if (!rows.empty()) {
          frame::encode_batch(frame::gather(b, rows), out.emplace_back());
        }
        return out;  // no empty batch, as filter's
      });
  auto data = std::make_shared<FrameData>(*FrameAccess::data(as_written));
  data->batches = std::move(fused);
  return DataFrame(FrameAccess::schema(as_written), std::move(data));
}

}  // namespace

ReadColumns filter_pruning(DataFrame below, Column condition) {
  return [below = std::move(below), condition = std::move(condition)](const std::vector<std::size_t>& used) {
    std::vector<bool> need(below.schema().size());
    for (std::size_t i : used) need[i] = true;
    frame::mark_columns(frame::bind(condition, below.schema()), need);
    if (auto narrow = narrowed(below, need)) return narrow->filter(condition);
    return filtered_projection(below, need, condition);
  };
}

ReadColumns join_pruning(DataFrame left, DataFrame right, std::shared_ptr<const frame::JoinSpec> spec,
                         JoinRebuild rebuild) {
  return [left = std::move(left), right = std::move(right), spec = std::move(spec),
          rebuild = std::move(rebuild)](const std::vector<std::size_t>& used) {
    std::vector<bool> l(spec->left->size()), r(spec->right->size());
    for (std::size_t i : used) {
      const frame::OutColumn& o = spec->out_columns[i];
      if (o.kind == frame::OutColumn::kLeft) l[o.index] = true;
      if (o.kind == frame::OutColumn::kRight) r[o.index] = true;
    }
    for (const frame::BoundExpr& k : spec->left_keys) frame::mark_columns(k, l);
    for (const frame::BoundExpr& k : spec->right_keys) frame::mark_columns(k, r);
    if (spec->residual) {  // bound on the left's columns then the right's
      std::vector<bool> both(l.size() + r.size());
      frame::mark_columns(*spec->residual, both);
      for (std::size_t i = 0; i < both.size(); ++i) {
        if (!both[i]) continue;
        if (i < l.size()) {
          l[i] = true;
        } else {
          r[i - l.size()] = true;
        }
      }
    }
    return rebuild(narrowed_or_projected(left, l), narrowed_or_projected(right, r));
  };
}

}  // namespace dataflow::detail
