// DataFrame joins, as Spark's. A join with equal keys (and a predicate beside them only if it
// is inner) runs over column batches (batch_join.cpp). The others, joins without equal keys
// and semi, anti and outer joins with such a predicate, key each side's rows by their encoded
// key values (coerced to one type; a row with a null key gets a key of its own side that
// matches nothing) and join them by the engine's pair joins (adaptive broadcast, spill) or,
// where a join keeps or drops rows by whether any pair passes the predicate, by cogroup; the
// pairs then become batches of the output's columns.
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <unordered_map>
#include <utility>

#include "dataflow/dataframe.hpp"
#include "frame/api/batch_join.hpp"
#include "frame/api/frame_data.hpp"
#include "frame/api/frame_rows.hpp"
#include "frame/api/join_spec.hpp"
#include "frame/expr/value_codec.hpp"
#include "frame/optimizer/column_pruning.hpp"
#include "frame/optimizer/filter_pushdown.hpp"

namespace dataflow {
namespace {

using frame::BoundExpr;
using frame::How;
using frame::JoinSpec;
using frame::OutColumn;
using frame::SchemaPtr;

// `s` with every field tagged by frame `id` (so id's df["x"] finds it).
Schema tagged(const Schema& s, std::uint64_t id) {
  std::vector<Field> fields = s.fields();
  for (Field& f : fields) {
    if (std::find(f.frames.begin(), f.frames.end(), id) == f.frames.end()) f.frames.push_back(id);
  }
  return Schema(std::move(fields));
}

Value widen_value(const Value& v, Type t) {
  if (const auto* i = std::get_if<std::int32_t>(&v)) {
    if (t == Type::kInt64) return std::int64_t{*i};
    if (t == Type::kFloat64) return static_cast<double>(*i);
    if (t == Type::kFloat32) return static_cast<float>(*i);
  }
  if (const auto* l = std::get_if<std::int64_t>(&v); l && t == Type::kFloat64) return static_cast<double>(*l);
  if (const auto* f = std::get_if<float>(&v); f && t == Type::kFloat64) return static_cast<double>(*f);
  return v;
}

// -0.0 and 0.0, and every NaN, are one key (Spark normalizes them before a join).
Value normalized_key(Value v) {
  if (auto* d = std::get_if<double>(&v)) {
    if (*d == 0.0) *d = 0.0;
    if (std::isnan(*d)) *d = std::numeric_limits<double>::quiet_NaN();
  } else if (auto* f = std::get_if<float>(&v)) {
    if (*f == 0.0f) *f = 0.0f;
    if (std::isnan(*f)) *f = std::numeric_limits<float>::quiet_NaN();
  }
  return v;
}

// How a side's rows get their keys: by the join's keys, or (joins without equal keys) a
// bucket of the left rows with the right rows copied to every bucket, or one key for all.
struct Keying {
  enum Mode : std::uint8_t { kKeys, kBucket, kReplicate, kConstant } mode = kKeys;
  std::uint32_t buckets = 1;
};

using KeyedRows = Dataset<std::pair<std::string, std::string>>;

KeyedRows keyed(const Dataset<std::string>& batches, const SchemaPtr& schema, std::vector<BoundExpr> keys, char side,
                Keying keying) {
  return batches.flat_map([schema, keys = std::move(keys), side, keying](const std::string& bytes) {
    const frame::RecordBatch b = frame::decode_batch(bytes, *schema);
    std::vector<frame::Vector> key_columns;
    for (const BoundExpr& k : keys) key_columns.push_back(frame::evaluate(k, b));
    std::vector<std::pair<std::string, std::string>> out;
    out.reserve(b.rows);
    const std::size_t salt = std::hash<std::string>{}(bytes);
    for (std::uint32_t r = 0; r < b.rows; ++r) {
      std::string row = frame::encode_row(b.columns, r);
      std::string key(1, '\0');
      if (keying.mode == Keying::kBucket) {
        frame::encode_value(key, Value(static_cast<std::int64_t>((salt + r) % keying.buckets)));
      } else if (keying.mode == Keying::kReplicate) {
        for (std::uint32_t k = 0; k + 1 < keying.buckets; ++k) {
          std::string copy(1, '\0');
          frame::encode_value(copy, Value(static_cast<std::int64_t>(k)));
          out.emplace_back(std::move(copy), row);
        }
        frame::encode_value(key, Value(static_cast<std::int64_t>(keying.buckets - 1)));
      }
      for (const frame::Vector& v : key_columns) {
        const Value value = frame::value_at(v, r);
        if (std::holds_alternative<Null>(value)) {
          // A key of this side only, spread by the row's bytes: matches nothing.
          key.assign({'\1', side});
          const std::size_t h = std::hash<std::string>{}(row);
          key.append(reinterpret_cast<const char*>(&h), sizeof h);
          break;
        }
        frame::encode_value(key, normalized_key(value));
      }
      out.emplace_back(std::move(key), std::move(row));
    }
    return out;
  });
}

// Builds the output rows of matched (or unmatched) pairs and cuts them into batches,
// dropping the pairs the residual predicate does not keep.
class PairWriter {
 public:
  explicit PairWriter(const JoinSpec& spec, bool filter) : spec_(spec), filter_(filter && spec.residual) {}

  void add(const std::string* left, const std::string* right) {
    std::vector<Value> l, r;
    if (left) frame::decode_row(*left, spec_.left->size(), l);
    if (right) frame::decode_row(*right, spec_.right->size(), r);
    std::vector<Value> row;
    row.reserve(spec_.out_columns.size());
    for (const OutColumn& c : spec_.out_columns) {
      if (c.kind == OutColumn::kLeft) {
        row.push_back(left ? l[c.index] : Value(Null{}));
      } else if (c.kind == OutColumn::kRight) {
        row.push_back(right ? r[c.index] : Value(Null{}));
      } else {  // a name join's key: coalesce(left's, right's), of the keys' common type
        Value v = left ? l[spec_.left_key_columns[c.index]] : Value(Null{});
        if (std::holds_alternative<Null>(v) && right) v = r[spec_.right_key_columns[c.index]];
        row.push_back(widen_value(v, spec_.key_types[c.index]));
      }
    }
    rows_.push_back(std::move(row));
    if (rows_.size() == frame::kBatchRows) flush();
  }

  std::vector<std::string> finish() {
    flush();
    return std::move(out_);
  }

 private:
  void flush() {
    if (rows_.empty()) return;
    frame::RecordBatch b = frame::batch_of(*spec_.out, rows_, 0, rows_.size());
    rows_.clear();
    if (filter_) {
      const std::vector<std::uint32_t> keep = frame::select_true(*spec_.residual, b);
      if (keep.empty()) return;
      if (keep.size() != b.rows) b = frame::gather(b, keep);
    }
    frame::encode_batch(b, out_.emplace_back());
  }

  const JoinSpec& spec_;
  bool filter_;
  std::vector<std::vector<Value>> rows_;
  std::vector<std::string> out_;
};

template <class S>
const std::string* side_ptr(const S& s) {
  if constexpr (std::is_same_v<S, std::string>) {
    return &s;
  } else {
    return s ? &*s : nullptr;
  }
}

// The engine's pair join's records as output batches, partition by partition.
template <class Joined>
Dataset<std::string> pairs_to_batches(const Joined& joined, const std::shared_ptr<const JoinSpec>& spec) {
  using R = typename Joined::value_type;
  return joined.map_partitions([spec](std::vector<detail::Owned<R>>& records) {
    PairWriter out(*spec, true);
    for (const auto& kv : records) out.add(side_ptr(kv.second.first), side_ptr(kv.second.second));
    return out.finish();
  });
}

// A key's rows of both sides: which (left, right) pairs the residual keeps (all, without one).
std::vector<char> pair_truth(const JoinSpec& spec, const std::vector<std::string>& ls,
                             const std::vector<std::string>& rs) {
  std::vector<char> truth(ls.size() * rs.size(), 1);
  if (!spec.residual || truth.empty()) return truth;
  std::vector<std::vector<Value>> rows;
  auto test = [&](std::size_t first) {
    const frame::RecordBatch b = frame::batch_of(*spec.combined, rows, 0, rows.size());
    std::fill(truth.begin() + static_cast<std::ptrdiff_t>(first),
              truth.begin() + static_cast<std::ptrdiff_t>(first + rows.size()), 0);
    for (std::uint32_t i : frame::select_true(*spec.residual, b)) truth[first + i] = 1;
    rows.clear();
  };
  std::size_t first = 0;
  for (std::size_t i = 0; i < ls.size(); ++i) {
    for (std::size_t j = 0; j < rs.size(); ++j) {
      std::vector<Value> row;
      frame::decode_row(ls[i], spec.left->size(), row);
      frame::decode_row(rs[j], spec.right->size(), row);
      rows.push_back(std::move(row));
      if (rows.size() == frame::kBatchRows) {
        test(first);
        first = i * rs.size() + j + 1;
      }
    }
  }
  if (!rows.empty()) test(first);
  return truth;
}

// One key's rows of both sides (ls, rs) as the join's output rows: the pairs the residual
// keeps, and for semi, anti and outer joins the rows that have none.
void join_key_group(const JoinSpec& spec, const std::vector<std::string>& ls, const std::vector<std::string>& rs,
                    PairWriter& out) {
  const How how = spec.how;
  const std::vector<char> truth = pair_truth(spec, ls, rs);
  std::vector<char> right_matched(rs.size(), 0);
  for (std::size_t i = 0; i < ls.size(); ++i) {
    bool any = false;
    for (std::size_t j = 0; j < rs.size(); ++j) {
      if (!truth[i * rs.size() + j]) continue;
      any = true;
      right_matched[j] = 1;
      if (how != How::kSemi && how != How::kAnti) out.add(&ls[i], &rs[j]);
    }
    if (frame::keeps_left_row(how, any)) {
      out.add(&ls[i], nullptr);
    }
  }
  if (how == How::kRight || how == How::kFull) {
    for (std::size_t j = 0; j < rs.size(); ++j) {
      if (!right_matched[j]) out.add(nullptr, &rs[j]);
    }
  }
}

// Semi, anti, and outer joins with a residual predicate: a key's rows of both sides at once.
Dataset<std::string> cogrouped_to_batches(const KeyedRows& left, const KeyedRows& right,
                                          const std::shared_ptr<const JoinSpec>& spec) {
  using R = std::pair<std::string, std::pair<std::vector<std::string>, std::vector<std::string>>>;
  return left.cogroup(right).map_partitions([spec](std::vector<R>& groups) {
    PairWriter out(*spec, false);
    for (const auto& [key, sides] : groups) join_key_group(*spec, sides.first, sides.second, out);
    return out.finish();
  });
}

// A broadcast join: the right side's rows collected (every rank gets them) into a table by
// key, and each left batch joined against it where it is, with no shuffle. A left row is
// encoded only when it has a match or an unmatched row is kept (left, anti joins).
Dataset<std::string> broadcast_to_batches(const Dataset<std::string>& left, const KeyedRows& right,
                                          const std::shared_ptr<const JoinSpec>& spec) {
  auto table = std::make_shared<std::unordered_map<std::string, std::vector<std::string>>>();
  for (auto& [key, row] : right.collect()) (*table)[key].push_back(std::move(row));
  using Table = const std::unordered_map<std::string, std::vector<std::string>>;
  return left.flat_map([spec, table = std::shared_ptr<Table>(std::move(table))](const std::string& bytes) {
    static const std::vector<std::string> kNone;
    const frame::RecordBatch b = frame::decode_batch(bytes, *spec->left);
    std::vector<frame::Vector> key_columns;
    for (const BoundExpr& k : spec->left_keys) key_columns.push_back(frame::evaluate(k, b));
    const bool keep_unmatched = spec->how == How::kLeft || spec->how == How::kAnti;
    PairWriter out(*spec, false);
    std::vector<std::string> one(1);
    std::string key;
    for (std::uint32_t r = 0; r < b.rows; ++r) {
      key.assign(1, '\0');  // as keyed() makes the right side's keys
      const std::vector<std::string>* matches = &kNone;
      bool null = false;
      for (const frame::Vector& v : key_columns) {
        const Value value = frame::value_at(v, r);
        null = std::holds_alternative<Null>(value);
        if (null) break;  // a null key matches nothing
        frame::encode_value(key, normalized_key(value));
      }
      if (!null) {
        const auto it = table->find(key);
        if (it != table->end()) matches = &it->second;
      }
      if (matches->empty() && !keep_unmatched) continue;
      one[0] = frame::encode_row(b.columns, r);
      join_key_group(*spec, one, *matches, out);
    }
    return out.finish();
  });
}

}  // namespace

namespace {

// The join of two frames once `spec` is bound: keyed rows, the engine's join, batches.
DataFrame run_join(const DataFrame& self, const DataFrame& other, const detail::FrameData& l,
                   const detail::FrameData& r, std::shared_ptr<JoinSpec> spec, std::string plan_text,
                   detail::JoinRebuild rebuild) {
  const How how = spec->how;
  std::shared_ptr<const JoinSpec> s = std::move(spec);
  const bool broadcast = r.broadcast && !s->left_keys.empty() &&
                         (how == How::kInner || how == How::kLeft || how == How::kSemi || how == How::kAnti);
  auto make = [lb = l.batches, rb = r.batches, s, how, broadcast]() -> Dataset<std::string> {
    const Dataset<std::string>& left_batches = lb;
    const Dataset<std::string>& right_batches = rb;
    Keying lk, rk;
    if (s->left_keys.empty()) {
      if (how == How::kInner || how == How::kCross) {  // every pair: right rows go to every left bucket
        lk = {Keying::kBucket, static_cast<std::uint32_t>(std::max(1, left_batches.num_partitions()))};
        rk = {Keying::kReplicate, lk.buckets};
      } else {
        lk = rk = {Keying::kConstant, 1};
      }
    }
    if (frame::batch_join_applies(*s)) {
      return broadcast ? frame::broadcast_batch_join(left_batches, right_batches, s)
                       : frame::batch_join(left_batches, right_batches, s);
    }
    const KeyedRows left = keyed(left_batches, s->left, s->left_keys, 'L', lk);
    const KeyedRows right = keyed(right_batches, s->right, s->right_keys, 'R', rk);
    if (broadcast) return broadcast_to_batches(left_batches, right, s);
    if (how == How::kSemi || how == How::kAnti || (how != How::kInner && how != How::kCross && s->residual)) {
      return cogrouped_to_batches(left, right, s);
    }
    if (how == How::kLeft) return pairs_to_batches(left.left_outer_join(right), s);
    if (how == How::kRight) return pairs_to_batches(left.right_outer_join(right), s);
    if (how == How::kFull) return pairs_to_batches(left.full_outer_join(right), s);
    return pairs_to_batches(left.join(right), s);
  };
  // Made when first used (a broadcast join collects its right side then, a job), so that a
  // join the optimizer makes again (pruned, filtered) never runs, nor makes its sides.
  const detail::FrameBatches batches(l.batches.config(), std::move(make));
  auto data = std::make_shared<detail::FrameData>(
      *detail::with_plan(batches, l.driver, std::move(plan_text),
                         {detail::plan_of(l, self.schema()), detail::plan_of(r, other.schema())}));
  // Filter pushdown and column pruning through the join (optimizer/filter_pushdown.cpp,
  // column_pruning.cpp).
  if (batches.config().optimizer) {
    data->push_filter = detail::join_pushdown(self, other, s, rebuild);
    data->read_columns = detail::join_pruning(self, other, s, std::move(rebuild));
  }
  return DataFrame(s->out, std::move(data));
}

}  // namespace

DataFrame DataFrame::join(const DataFrame& other, const std::vector<std::string>& on, const std::string& how) const {
  auto spec = std::make_shared<JoinSpec>();
  spec->how = frame::parse_how(how);
  if (spec->how == How::kCross) spec->how = How::kInner;  // Spark: a cross join with keys is inner
  spec->left = std::make_shared<const Schema>(tagged(*schema_, data_->id));
  spec->right = std::make_shared<const Schema>(tagged(*other.schema_, other.data_->id));
  std::vector<Field> fields;
  std::vector<char> left_key(schema_->size()), right_key(other.schema_->size());
  std::string names;
  for (std::size_t k = 0; k < on.size(); ++k) {
    std::size_t li = 0, ri = 0;
    try {
      li = spec->left->resolve(on[k]);
      ri = spec->right->resolve(on[k]);
    } catch (const Error& e) {
      throw Error(ExitCode::kUsage, "join: USING column '" + on[k] + "': " + e.what());
    }
    const Field& lf = (*spec->left)[li];
    const Field& rf = (*spec->right)[ri];
    const auto t = frame::common_type(lf.type, rf.type);
    if (!t) {
      throw Error(ExitCode::kUsage, "join: USING column '" + on[k] + "' is " + std::string(type_name(lf.type)) +
                                        " on the left and " + std::string(type_name(rf.type)) + " on the right");
    }
    left_key[li] = right_key[ri] = 1;
    spec->left_key_columns.push_back(li);
    spec->right_key_columns.push_back(ri);
    spec->key_types.push_back(*t);
    spec->left_keys.push_back(frame::as_type(frame::column_ref(*spec->left, li), *t));
    spec->right_keys.push_back(frame::as_type(frame::column_ref(*spec->right, ri), *t));
    Field f{lf.name, *t, true, lf.frames};
    f.frames.insert(f.frames.end(), rf.frames.begin(), rf.frames.end());
    fields.push_back(std::move(f));
    spec->out_columns.push_back({OutColumn::kKey, k});
    names += (k ? ", " : "") + lf.name;
  }
  const bool left_only = spec->how == How::kSemi || spec->how == How::kAnti;
  if (left_only) {
    fields.clear();
    spec->out_columns.clear();
  }
  for (std::size_t i = 0; i < spec->left->size(); ++i) {
    if (left_key[i] && !left_only) continue;
    fields.push_back((*spec->left)[i]);
    spec->out_columns.push_back({OutColumn::kLeft, i});
  }
  for (std::size_t i = 0; i < spec->right->size() && !left_only; ++i) {
    if (right_key[i]) continue;
    fields.push_back((*spec->right)[i]);
    spec->out_columns.push_back({OutColumn::kRight, i});
  }
  spec->out = std::make_shared<const Schema>(std::move(fields));
  std::string text = "Join UsingJoin(" + std::string(frame::how_name(spec->how)) + ", [" + names + "])";
  return run_join(*this, other, *data_, *other.data_, std::move(spec), std::move(text),
                  [on, how](const DataFrame& l, const DataFrame& r) { return l.join(r, on, how); });
}

DataFrame DataFrame::join(const DataFrame& other, const std::string& on, const std::string& how) const {
  return join(other, std::vector<std::string>{on}, how);
}

DataFrame DataFrame::join(const DataFrame& other, const Column& on, const std::string& how) const {
  auto spec = std::make_shared<JoinSpec>();
  spec->how = frame::parse_how(how);
  if (spec->how == How::kCross) spec->how = How::kInner;
  spec->left = std::make_shared<const Schema>(tagged(*schema_, data_->id));
  spec->right = std::make_shared<const Schema>(tagged(*other.schema_, other.data_->id));
  std::vector<Field> fields = spec->left->fields();
  for (const Field& f : spec->right->fields()) fields.push_back(f);
  spec->combined = std::make_shared<const Schema>(std::move(fields));
  frame::bind_condition(on, *spec);
  const bool left_only = spec->how == How::kSemi || spec->how == How::kAnti;
  spec->out = left_only ? spec->left : spec->combined;
  for (std::size_t i = 0; i < spec->left->size(); ++i) spec->out_columns.push_back({OutColumn::kLeft, i});
  for (std::size_t i = 0; i < spec->right->size() && !left_only; ++i) {
    spec->out_columns.push_back({OutColumn::kRight, i});
  }
  std::string text = "Join " + std::string(frame::how_name(spec->how)) + ", " + on.name();
  return run_join(*this, other, *data_, *other.data_, std::move(spec), std::move(text),
                  [on, how](const DataFrame& l, const DataFrame& r) { return l.join(r, on, how); });
}

DataFrame DataFrame::hint_broadcast() const {
  auto data = std::make_shared<detail::FrameData>(*data_);  // the same frame: df["x"] still finds it
  data->broadcast = true;
  data->plan = std::make_shared<const detail::PlanNode>(
      detail::PlanNode{"ResolvedHint (strategy=broadcast)", {detail::plan_of(*data_, *schema_)}});
  return DataFrame(schema_, data);
}

DataFrame DataFrame::cross_join(const DataFrame& other) const {
  auto spec = std::make_shared<JoinSpec>();
  spec->how = How::kCross;
  spec->left = std::make_shared<const Schema>(tagged(*schema_, data_->id));
  spec->right = std::make_shared<const Schema>(tagged(*other.schema_, other.data_->id));
  std::vector<Field> fields = spec->left->fields();
  for (const Field& f : spec->right->fields()) fields.push_back(f);
  spec->combined = std::make_shared<const Schema>(std::move(fields));
  spec->out = spec->combined;
  for (std::size_t i = 0; i < spec->left->size(); ++i) spec->out_columns.push_back({OutColumn::kLeft, i});
  for (std::size_t i = 0; i < spec->right->size(); ++i) spec->out_columns.push_back({OutColumn::kRight, i});
  return run_join(*this, other, *data_, *other.data_, std::move(spec), "Join Cross",
                  [](const DataFrame& l, const DataFrame& r) { return l.cross_join(r); });
}

}  // namespace dataflow
