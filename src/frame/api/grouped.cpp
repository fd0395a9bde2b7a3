// group_by(...).agg(...): each batch aggregated by key on the map side, states merged by
// the engine's reduce_by_key (combined before and after the shuffle), then finished into
// rows. order_by: rows keyed by a memcmp-ordered sort key, sorted by the engine's range sort.
#include <unordered_map>
#include <utility>

#include "dataflow/dataframe.hpp"
#include "frame/api/frame_data.hpp"
#include "frame/expr/bound_expr.hpp"
#include "frame/expr/value_codec.hpp"
#include "frame/vector/record_batch.hpp"

namespace dataflow {
namespace {

using detail::ExprKind;
using frame::BoundExpr;
using frame::RecordBatch;

bool numeric(Type t) { return t == Type::kInt32 || t == Type::kInt64 || t == Type::kFloat32 || t == Type::kFloat64; }

struct AggSpec {
  std::string fn;  // sum, avg, count, min, max
  BoundExpr input;
  Type type = Type::kInt64;  // the result's
  std::string name;
  std::size_t slot = 0;  // its first state value
};

std::size_t slots(const std::string& fn) { return fn == "avg" ? 2 : 1; }

Value initial(const AggSpec& a, std::size_t k) {
  if (a.fn == "count" || (a.fn == "avg" && k == 1)) return std::int64_t{0};
  if (a.fn == "avg") return 0.0;
  return Null{};
}

Value add(const Value& x, const Value& y, const std::string& name) {
  if (std::holds_alternative<Null>(x)) return y;
  if (std::holds_alternative<Null>(y)) return x;
  if (const auto* a = std::get_if<std::int64_t>(&x)) {
    std::int64_t r = 0;
    if (__builtin_add_overflow(*a, std::get<std::int64_t>(y), &r)) {
      throw Error(ExitCode::kDataError, "integer overflow in " + name + " (cast the column to double)");
    }
    return r;
  }
  return std::get<double>(x) + std::get<double>(y);
}

Value widen(const Value& v, Type to) {  // an input value as the sum's type
  if (std::holds_alternative<Null>(v)) return v;
  if (to == Type::kInt64) {
    if (const auto* i = std::get_if<std::int32_t>(&v)) return std::int64_t{*i};
    return v;
  }
  switch (v.index()) {
    case 2:
      return static_cast<double>(std::get<std::int32_t>(v));
    case 3:
      return static_cast<double>(std::get<std::int64_t>(v));
    case 4:
      return static_cast<double>(std::get<float>(v));
    default:
      return v;
  }
}

// Folds `v` (one input value, or another state's slot when `merge`) into the state.
void fold(const AggSpec& a, std::vector<Value>& state, const Value& v, const Value* count, bool merge) {
  Value& s = state[a.slot];
  const bool null = std::holds_alternative<Null>(v);
  if (a.fn == "count") {
    s = std::get<std::int64_t>(s) + (merge ? std::get<std::int64_t>(v) : (null ? 0 : 1));
  } else if (a.fn == "sum") {
    if (!null) s = add(s, merge ? v : widen(v, a.type), a.name);
  } else if (a.fn == "avg") {
    if (merge) {
      s = add(s, v, a.name);
      state[a.slot + 1] = std::get<std::int64_t>(state[a.slot + 1]) + std::get<std::int64_t>(*count);
    } else if (!null) {
      s = add(s, widen(v, Type::kFloat64), a.name);
      state[a.slot + 1] = std::get<std::int64_t>(state[a.slot + 1]) + 1;
    }
  } else if (!null && (std::holds_alternative<Null>(s) || (a.fn == "min" ? v < s : s < v))) {
    s = v;
  }
}

std::string encode_values(const std::vector<Value>& values) {
  std::string out;
  for (const Value& v : values) frame::encode_value(out, v);
  return out;
}

std::vector<Value> decode_values(std::string_view bytes, std::size_t n) {
  std::vector<Value> out;
  std::size_t at = 0;
  for (std::size_t i = 0; i < n; ++i) out.push_back(frame::decode_value(bytes, at));
  return out;
}

AggSpec aggregate_spec(const Column& c, const Schema& in) {
  const detail::ExprNode* n = c.node().get();
  std::string name = c.name();
  if (n->kind == ExprKind::kAlias) n = n->children.at(0).get();
  if (n->kind != ExprKind::kAggregate) {
    throw Error(ExitCode::kUsage, "agg: " + name + " is not an aggregate function (sum, avg, count, min, max)");
  }
  AggSpec a;
  a.fn = n->name;
  a.name = name;
  a.input = frame::bind(Column(n->children.at(0)), in);
  const Type t = a.input.type;
  if ((a.fn == "sum" || a.fn == "avg") && !numeric(t)) {
    throw Error(ExitCode::kUsage, a.fn + ": " + a.input.name + " is a " + std::string(type_name(t)) + ", not a number");
  }
  a.type = a.fn == "count" ? Type::kInt64
           : a.fn == "avg" ? Type::kFloat64
           : a.fn == "sum" ? (t == Type::kInt32 || t == Type::kInt64 ? Type::kInt64 : Type::kFloat64)
                           : t;
  return a;
}

Value finish(const AggSpec& a, const std::vector<Value>& state) {
  if (a.fn != "avg") return state[a.slot];
  const auto n = std::get<std::int64_t>(state[a.slot + 1]);
  return n == 0 ? Value(Null{}) : Value(std::get<double>(state[a.slot]) / static_cast<double>(n));
}

}  // namespace

GroupedData DataFrame::group_by(const std::vector<Column>& keys) const {
  for (const Column& k : keys) frame::bind(k, *schema_);  // a wrong name fails here
  return GroupedData(*this, keys);
}

DataFrame GroupedData::agg(const std::vector<Column>& aggregates) const {
  const Schema& in = frame_.schema();
  std::vector<BoundExpr> keys;
  std::vector<Field> fields;
  for (const Column& k : keys_) {
    keys.push_back(frame::bind(k, in));
    fields.push_back({keys.back().name, keys.back().type, true});
  }
  std::vector<AggSpec> specs;
  std::size_t width = 0;
  for (const Column& c : aggregates) {
    specs.push_back(aggregate_spec(c, in));
    specs.back().slot = width;
    width += slots(specs.back().fn);
    fields.push_back({specs.back().name, specs.back().type, true});
  }
  auto out = std::make_shared<const Schema>(std::move(fields));
  auto in_schema = frame_.schema_;
  auto pairs = frame_.data_->batches.flat_map([in_schema, keys, specs, width](const std::string& bytes) {
    const RecordBatch b = frame::decode_batch(bytes, *in_schema);
    std::vector<frame::Vector> key_cols, inputs;
    for (const BoundExpr& k : keys) key_cols.push_back(frame::evaluate(k, b));
    for (const AggSpec& a : specs) inputs.push_back(frame::evaluate(a.input, b));
    std::unordered_map<std::string, std::vector<Value>> groups;
    for (std::uint32_t r = 0; r < b.rows; ++r) {
      std::string key;
      for (const frame::Vector& v : key_cols) frame::encode_value(key, frame::value_at(v, r));
      auto [it, fresh] = groups.try_emplace(std::move(key));
      if (fresh) {
        for (const AggSpec& a : specs) {
          for (std::size_t k = 0; k < slots(a.fn); ++k) it->second.push_back(initial(a, k));
        }
      }
      for (std::size_t i = 0; i < specs.size(); ++i) {
        fold(specs[i], it->second, frame::value_at(inputs[i], r), nullptr, false);
      }
    }
    std::vector<std::pair<std::string, std::string>> out_pairs;
    for (auto& [key, state] : groups) out_pairs.emplace_back(key, encode_values(state));
    (void)width;
    return out_pairs;
  });
  auto merged = pairs.reduce_by_key([specs, width](const std::string& x, const std::string& y) {
    std::vector<Value> a = decode_values(x, width);
    const std::vector<Value> b = decode_values(y, width);
    for (const AggSpec& s : specs) fold(s, a, b[s.slot], s.fn == "avg" ? &b[s.slot + 1] : nullptr, true);
    return encode_values(a);
  });
  auto batches = merged.map([out, keys = keys.size(), specs, width](const std::pair<std::string, std::string>& kv) {
    std::vector<Value> row = decode_values(kv.first, keys);
    const std::vector<Value> state = decode_values(kv.second, width);
    for (const AggSpec& a : specs) row.push_back(finish(a, state));
    std::string bytes;
    frame::encode_batch(frame::batch_of(*out, {row}, 0, 1), bytes);
    return bytes;
  });
  return DataFrame(out, std::make_shared<const detail::FrameData>(
                            detail::FrameData{Dataset<std::string>(batches), frame_.data_->driver}));
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
    } else {
      throw Error(ExitCode::kUsage, "agg: unknown aggregate function '" + fn + "' (sum, avg, count, min, max)");
    }
  }
  return agg(aggregates);
}

DataFrame GroupedData::count() const { return agg({functions::count("*").alias("count")}); }

DataFrame DataFrame::order_by(const std::vector<Column>& keys) const {
  struct Key {
    BoundExpr expr;
    bool ascending = true, nulls_first = true;
  };
  std::vector<Key> bound;
  for (const Column& c : keys) {
    const detail::ExprNode& n = *c.node();
    Key k;
    if (n.kind == ExprKind::kSortOrder) {
      k.expr = frame::bind(Column(n.children.at(0)), *schema_);
      k.ascending = n.ascending;
      k.nulls_first = n.nulls_first;
    } else {
      k.expr = frame::bind(c, *schema_);
    }
    bound.push_back(std::move(k));
  }
  auto rows = data_->batches.flat_map([in = schema_, bound](const std::string& bytes) {
    const RecordBatch b = frame::decode_batch(bytes, *in);
    std::vector<frame::Vector> cols;
    for (const Key& k : bound) cols.push_back(frame::evaluate(k.expr, b));
    std::vector<std::pair<std::string, std::string>> out;
    for (std::uint32_t r = 0; r < b.rows; ++r) {
      std::string key;
      for (std::size_t i = 0; i < bound.size(); ++i) {
        frame::append_sort_key(key, frame::value_at(cols[i], r), bound[i].ascending, bound[i].nulls_first);
      }
      std::string row;
      frame::encode_batch(frame::gather(b, {r}), row);
      out.emplace_back(std::move(key), std::move(row));
    }
    return out;
  });
  auto sorted = rows.sort_by_key().values();
  return DataFrame(schema_, std::make_shared<const detail::FrameData>(
                                detail::FrameData{Dataset<std::string>(sorted), data_->driver}));
}

}  // namespace dataflow
