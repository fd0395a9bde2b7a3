#include "frame/optimizer/filter_pushdown.hpp"

#include <utility>

#include "frame/api/frame_data.hpp"

namespace dataflow::detail {
namespace {

using frame::ColumnOrigin;
using frame::How;
using frame::OutColumn;

// `side` filtered by `terms`, still the frame df["x"] of `side` names, and still hinted for a
// broadcast join (F::broadcast) if it was.
DataFrame filtered_side(const DataFrame& side, const std::vector<Column>& terms) {
  if (terms.empty()) return side;
  const DataFrame f = side.filter(frame::conjunction(terms));
  auto data = std::make_shared<FrameData>(*FrameAccess::data(f));
  data->id = FrameAccess::data(side)->id;
  const DataFrame same(FrameAccess::schema(f), std::move(data));
  return FrameAccess::data(side)->broadcast ? same.hint_broadcast() : same;
}

// Where a join's output column comes from, as far as a filter may move: {0, column} of the
// left side, {1, column} of the right, or nullopt.
ColumnOrigin join_column_origin(const frame::JoinSpec& s, const OutColumn& o) {
  const bool left =
      s.how == How::kInner || s.how == How::kCross || s.how == How::kLeft || s.how == How::kSemi || s.how == How::kAnti;
  const bool right = s.how == How::kInner || s.how == How::kCross || s.how == How::kRight;
  switch (o.kind) {
    case OutColumn::kLeft:
      if (left) return std::pair<std::size_t, std::size_t>{0, o.index};
      break;
    case OutColumn::kRight:
      if (right) return std::pair<std::size_t, std::size_t>{1, o.index};
      break;
    case OutColumn::kKey: {
      const std::size_t lc = s.left_key_columns[o.index], rc = s.right_key_columns[o.index];
      const Type key = s.key_types[o.index];
      if ((s.how == How::kInner || s.how == How::kLeft) && (*s.left)[lc].type == key) {
        return std::pair<std::size_t, std::size_t>{0, lc};
      }
      if (s.how == How::kRight && (*s.right)[rc].type == key) return std::pair<std::size_t, std::size_t>{1, rc};
      break;
    }
  }
  return std::nullopt;
}

// The operator over its inputs filtered as `split` says, and the rest of the filter above it.
template <class Make>
std::optional<DataFrame> rebuilt_with(const frame::SplitFilter& split, Make make) {
  bool any = false;
  for (const auto& terms : split.to) any = any || !terms.empty();
  if (!any) return std::nullopt;
  const DataFrame out = make();
  return split.rest.empty() ? out : out.filter(frame::conjunction(split.rest));
}

}  // namespace

PushFilter join_pushdown(DataFrame left, DataFrame right, std::shared_ptr<const frame::JoinSpec> spec,
                         JoinRebuild rebuild) {
  std::vector<ColumnOrigin> origin;
  for (const OutColumn& o : spec->out_columns) origin.push_back(join_column_origin(*spec, o));
  return [left = std::move(left), right = std::move(right), spec = std::move(spec), origin = std::move(origin),
          rebuild = std::move(rebuild)](const Column& condition) {
    const frame::SplitFilter split =
        frame::split_filter(condition, *spec->out, origin, {&left.schema(), &right.schema()});
    return rebuilt_with(split,
                        [&] { return rebuild(filtered_side(left, split.to[0]), filtered_side(right, split.to[1])); });
  };
}

PushFilter aggregate_pushdown(DataFrame input, std::shared_ptr<const Schema> out, std::vector<ColumnOrigin> origin,
                              std::function<DataFrame(const DataFrame&)> rebuild) {
  return [input = std::move(input), out = std::move(out), origin = std::move(origin),
          rebuild = std::move(rebuild)](const Column& condition) {
    const frame::SplitFilter split = frame::split_filter(condition, *out, origin, {&input.schema()});
    return rebuilt_with(split, [&] { return rebuild(input.filter(frame::conjunction(split.to[0]))); });
  };
}

PushFilter union_pushdown(DataFrame a, DataFrame b, std::shared_ptr<const Schema> out,
                          const std::vector<std::optional<std::size_t>>& take_a,
                          const std::vector<std::optional<std::size_t>>& take_b, JoinRebuild rebuild) {
  std::vector<ColumnOrigin> from_a(out->size()), from_b(out->size());
  for (std::size_t i = 0; i < out->size(); ++i) {
    if (take_a[i] && take_b[i] && a.schema()[*take_a[i]].type == (*out)[i].type &&
        b.schema()[*take_b[i]].type == (*out)[i].type) {
      from_a[i] = std::pair<std::size_t, std::size_t>{0, *take_a[i]};
      from_b[i] = std::pair<std::size_t, std::size_t>{0, *take_b[i]};
    }
  }
  return [a = std::move(a), b = std::move(b), out = std::move(out), from_a = std::move(from_a),
          from_b = std::move(from_b), rebuild = std::move(rebuild)](const Column& condition) {
    frame::SplitFilter both;  // to[0]: a's terms, to[1]: the same terms over b's columns
    both.to.resize(2);
    for (const Column& term : frame::conjuncts(condition)) {
      const frame::SplitFilter on_a = frame::split_filter(term, *out, from_a, {&a.schema()});
      const frame::SplitFilter on_b = frame::split_filter(term, *out, from_b, {&b.schema()});
      if (on_a.to[0].empty() || on_b.to[0].empty()) {
        both.rest.push_back(term);
        continue;
      }
      both.to[0].push_back(on_a.to[0].front());
      both.to[1].push_back(on_b.to[0].front());
    }
    return rebuilt_with(both, [&] { return rebuild(filtered_side(a, both.to[0]), filtered_side(b, both.to[1])); });
  };
}

}  // namespace dataflow::detail
