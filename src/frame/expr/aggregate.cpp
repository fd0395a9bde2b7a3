// Aggregates: specs from Columns, typed map-side accumulators, state merge and finish.
#include "frame/expr/aggregate.hpp"

#include <cmath>
#include <cstring>
#include <set>
#include <unordered_set>

#include "dataflow/detail/hash.hpp"
#include "dataflow/error.hpp"
#include "frame/expr/value_codec.hpp"

namespace dataflow::frame {
namespace {

using detail::ExprKind;

bool integral(Type t) { return t == Type::kInt32 || t == Type::kInt64; }
// Types whose min/max fold as int64 (bool, int, date, long, timestamp).
bool int_like(Type t) { return !is_numeric(t) ? t != Type::kString : integral(t); }

// f(row, value) for the valid rows of v, read as T.
template <class T, class F>
void each(const Vector& v, F f) {
  const char* data = v.data.data();
  for (std::uint32_t r = 0; r < v.size; ++r) {
    if (!v.valid(r)) continue;
    T x;
    std::memcpy(&x, data + static_cast<std::size_t>(r) * sizeof(T), sizeof(T));
    f(r, x);
  }
}

template <class F>
void each_integer(const Vector& v, F f) {
  switch (v.type) {
    case Type::kBool:
      return each<std::uint8_t>(v, [&](std::uint32_t r, std::uint8_t x) { f(r, std::int64_t{x}); });
    case Type::kInt32:
    case Type::kDate:
      return each<std::int32_t>(v, [&](std::uint32_t r, std::int32_t x) { f(r, std::int64_t{x}); });
    default:
      return each<std::int64_t>(v, f);
  }
}

template <class F>
void each_double(const Vector& v, F f) {
  switch (v.type) {
    case Type::kInt32:
      return each<std::int32_t>(v, [&](std::uint32_t r, std::int32_t x) { f(r, static_cast<double>(x)); });
    case Type::kInt64:
      return each<std::int64_t>(v, [&](std::uint32_t r, std::int64_t x) { f(r, static_cast<double>(x)); });
    case Type::kFloat32:
      return each<float>(v, [&](std::uint32_t r, float x) { f(r, static_cast<double>(x)); });
    default:
      return each<double>(v, f);
  }
}

// Spark's order of doubles: NaN above every number.
bool double_less(double a, double b) { return !std::isnan(a) && (std::isnan(b) || a < b); }

bool value_less(const Value& a, const Value& b) {
  if (const auto* x = std::get_if<double>(&a)) return double_less(*x, std::get<double>(b));
  if (const auto* x = std::get_if<float>(&a)) return double_less(*x, std::get<float>(b));
  return a < b;
}

// A plain column's vector without copying it; anything else evaluated into `scratch`.
const Vector& values_of(const BoundExpr& e, const RecordBatch& batch, Vector& scratch) {
  if (e.kind == ExprKind::kColumn) return batch.columns.at(e.column);
  scratch = evaluate(e, batch);
  return scratch;
}

[[noreturn]] void sum_overflow(const AggregateSpec& a) {
  throw Error(ExitCode::kDataError, "integer overflow in " + a.name + " (cast the column to double)");
}

// An int64 accumulator's value as a Value of the input's type.
Value typed(std::int64_t v, Type t) {
  switch (t) {
    case Type::kBool:
      return v != 0;
    case Type::kInt32:
      return static_cast<std::int32_t>(v);
    case Type::kDate:
      return Date{static_cast<std::int32_t>(v)};
    case Type::kTimestamp:
      return Timestamp{v};
    default:
      return v;
  }
}

}  // namespace

AggregateSpec aggregate_spec(const Column& c, const Schema& schema) {
  const detail::ExprNode* n = c.node().get();
  AggregateSpec a;
  a.name = c.name();
  if (n->kind == ExprKind::kAlias) n = n->children.at(0).get();
  if (n->kind != ExprKind::kAggregate) {
    throw Error(ExitCode::kUsage,
                "agg: " + a.name + " is not an aggregate function (sum, avg, count, count_distinct, min, max, first)");
  }
  const std::string& f = n->name;
  a.fn = f == "sum"              ? AggFn::kSum
         : f == "avg"            ? AggFn::kAvg
         : f == "count"          ? AggFn::kCount
         : f == "count_distinct" ? AggFn::kCountDistinct
         : f == "min"            ? AggFn::kMin
         : f == "max"            ? AggFn::kMax
                                 : AggFn::kFirst;
  for (const auto& child : n->children) a.inputs.push_back(bind(Column(child), schema));
  const BoundExpr& in = a.inputs.at(0);
  const Type t = in.type;
  if ((a.fn == AggFn::kSum || a.fn == AggFn::kAvg) && !is_numeric(t)) {
    throw Error(ExitCode::kUsage, std::string(a.fn == AggFn::kSum ? "sum" : "avg") + ": " + in.name + " is a " +
                                      std::string(type_name(t)) + ", not a number");
  }
  a.count_rows = a.fn == AggFn::kCount && in.kind == ExprKind::kLiteral && !std::holds_alternative<Null>(in.value);
  switch (a.fn) {
    case AggFn::kCount:
    case AggFn::kCountDistinct:
      a.type = Type::kInt64;
      break;
    case AggFn::kAvg:
      a.type = Type::kFloat64;
      break;
    case AggFn::kSum:
      a.type = integral(t) ? Type::kInt64 : Type::kFloat64;
      break;
    default:
      a.type = t;
  }
  return a;
}

// One aggregate's states for every group of a partition, in columns indexed by group.
struct PartialAggregation::Accumulator {
  std::vector<std::int64_t> ints;  // count, integer sum, avg's count, int-like min/max
  std::vector<double> doubles;     // double sum, avg's sum, double min/max
  std::vector<std::uint8_t> has;   // a value was folded (sum, min, max, first)
  std::vector<std::string> strings;
  std::vector<Value> values;  // first
  std::vector<std::unordered_set<std::string>> sets;
  bool keeps_strings = false, keeps_values = false, keeps_sets = false;  // which of the last three it uses

  explicit Accumulator(const AggregateSpec& spec)
      : keeps_strings((spec.fn == AggFn::kMin || spec.fn == AggFn::kMax) && spec.inputs[0].type == Type::kString),
        keeps_values(spec.fn == AggFn::kFirst),
        keeps_sets(spec.fn == AggFn::kCountDistinct) {}

  // One more group (the vectors grow by doubling).
  void add_group() {
    ints.push_back(0);
    doubles.push_back(0);
    has.push_back(0);
    if (keeps_strings) strings.emplace_back();
    if (keeps_values) values.emplace_back();
    if (keeps_sets) sets.emplace_back();
  }
};

PartialAggregation::PartialAggregation(std::vector<BoundExpr> keys, std::vector<AggregateSpec> specs)
    : keys_(std::move(keys)), specs_(std::move(specs)) {
  for (const AggregateSpec& spec : specs_) accumulators_.emplace_back(spec);
}

PartialAggregation::~PartialAggregation() = default;

std::uint32_t PartialAggregation::group_of(std::string_view key) {
  bool fresh = false;
  const std::uint32_t g = groups_.find_or_add(key, fresh);
  if (fresh) {
    for (Accumulator& a : accumulators_) a.add_group();
  }
  return g;
}

std::uint64_t PartialAggregation::bytes() const {
  std::uint64_t n =
      groups_.bytes() + row_keys_.capacity() * sizeof(std::string) + row_groups_.capacity() * sizeof(std::uint32_t);
  for (const Accumulator& a : accumulators_) {
    n += a.ints.capacity() * sizeof(std::int64_t) + a.doubles.capacity() * sizeof(double) + a.has.capacity() +
         a.strings.capacity() * sizeof(std::string) + a.values.capacity() * sizeof(Value) +
         a.sets.capacity() * sizeof(std::unordered_set<std::string>);
  }
  return n;
}

void PartialAggregation::add_empty_group() { group_of(std::string()); }

void PartialAggregation::add(const RecordBatch& batch) {
  const std::uint32_t rows = batch.rows;
  row_keys_.resize(rows);
  for (std::uint32_t r = 0; r < rows; ++r) row_keys_[r].clear();
  Vector scratch;
  for (const BoundExpr& k : keys_) append_cells(values_of(k, batch, scratch), row_keys_, true);
  row_groups_.resize(rows);
  for (std::uint32_t r = 0; r < rows; ++r) row_groups_[r] = group_of(row_keys_[r]);
  const std::uint32_t* g = row_groups_.data();

  for (std::size_t i = 0; i < specs_.size(); ++i) {
    const AggregateSpec& spec = specs_[i];
    Accumulator& acc = accumulators_[i];
    if (spec.count_rows) {
      for (std::uint32_t r = 0; r < rows; ++r) ++acc.ints[g[r]];
      continue;
    }
    std::vector<Vector> scratches(spec.inputs.size());
    std::vector<const Vector*> in;
    for (std::size_t j = 0; j < spec.inputs.size(); ++j) in.push_back(&values_of(spec.inputs[j], batch, scratches[j]));
    const Vector& v = *in[0];
    switch (spec.fn) {
      case AggFn::kCount:
        for (std::uint32_t r = 0; r < rows; ++r) acc.ints[g[r]] += v.valid(r) ? 1 : 0;
        break;
      case AggFn::kSum:
        if (integral(v.type)) {
          each_integer(v, [&](std::uint32_t r, std::int64_t x) {
            if (__builtin_add_overflow(acc.ints[g[r]], x, &acc.ints[g[r]])) sum_overflow(spec);
            acc.has[g[r]] = 1;
          });
        } else {
          each_double(v, [&](std::uint32_t r, double x) {
            acc.doubles[g[r]] += x;
            acc.has[g[r]] = 1;
          });
        }
        break;
      case AggFn::kAvg:
        each_double(v, [&](std::uint32_t r, double x) {
          acc.doubles[g[r]] += x;
          ++acc.ints[g[r]];
        });
        break;
      case AggFn::kMin:
      case AggFn::kMax: {
        const bool min = spec.fn == AggFn::kMin;
        if (v.type == Type::kString) {
          for (std::uint32_t r = 0; r < rows; ++r) {
            if (!v.valid(r)) continue;
            const std::string_view x = v.string(r);
            std::string& s = acc.strings[g[r]];
            if (!acc.has[g[r]] || (min ? x < s : s < x)) s.assign(x);
            acc.has[g[r]] = 1;
          }
        } else if (int_like(v.type)) {
          each_integer(v, [&](std::uint32_t r, std::int64_t x) {
            std::int64_t& s = acc.ints[g[r]];
            if (!acc.has[g[r]] || (min ? x < s : s < x)) s = x;
            acc.has[g[r]] = 1;
          });
        } else {
          each_double(v, [&](std::uint32_t r, double x) {
            double& s = acc.doubles[g[r]];
            if (!acc.has[g[r]] || (min ? double_less(x, s) : double_less(s, x))) s = x;
            acc.has[g[r]] = 1;
          });
        }
        break;
      }
      case AggFn::kFirst:
        for (std::uint32_t r = 0; r < rows; ++r) {
          if (acc.has[g[r]] || !v.valid(r)) continue;
          acc.values[g[r]] = value_at(v, r);
          acc.has[g[r]] = 1;
        }
        break;
      case AggFn::kCountDistinct: {
        std::vector<std::string> tuples(rows);
        for (const Vector* c : in) append_cells(*c, tuples, true);
        for (std::uint32_t r = 0; r < rows; ++r) {
          bool any_null = false;
          for (const Vector* c : in) any_null = any_null || !c->valid(r);
          if (!any_null) acc.sets[g[r]].insert(std::move(tuples[r]));
        }
        break;
      }
    }
  }
}

void PartialAggregation::encode_state(std::uint32_t g, std::string& state) const {
  for (std::size_t i = 0; i < specs_.size(); ++i) {
    const AggregateSpec& spec = specs_[i];
    const Accumulator& acc = accumulators_[i];
    const Type in = spec.inputs[0].type;
    switch (spec.fn) {
      case AggFn::kCount:
        encode_value(state, acc.ints[g]);
        break;
      case AggFn::kSum:
        if (!acc.has[g]) {
          encode_value(state, Null{});
        } else if (spec.type == Type::kInt64) {
          encode_value(state, acc.ints[g]);
        } else {
          encode_value(state, acc.doubles[g]);
        }
        break;
      case AggFn::kAvg:
        encode_value(state, acc.doubles[g]);
        encode_value(state, acc.ints[g]);
        break;
      case AggFn::kMin:
      case AggFn::kMax:
        if (!acc.has[g]) {
          encode_value(state, Null{});
        } else if (in == Type::kString) {
          encode_value(state, acc.strings[g]);
        } else if (int_like(in)) {
          encode_value(state, typed(acc.ints[g], in));
        } else if (in == Type::kFloat32) {
          encode_value(state, static_cast<float>(acc.doubles[g]));
        } else {
          encode_value(state, acc.doubles[g]);
        }
        break;
      case AggFn::kFirst:
        encode_value(state, acc.has[g] ? acc.values[g] : Value(Null{}));
        break;
      case AggFn::kCountDistinct:
        encode_value(state, static_cast<std::int64_t>(acc.sets[g].size()));
        for (const std::string& t : acc.sets[g]) encode_value(state, t);
        break;
    }
  }
}

std::vector<std::pair<std::uint32_t, std::string>> PartialAggregation::finish_by_partition(
    std::uint32_t partitions) const {
  std::vector<std::pair<std::uint32_t, std::string>> out;
  std::vector<VectorBuilder> keys, states;
  for (std::uint32_t p = 0; p < partitions; ++p) {
    keys.emplace_back(Type::kString);
    states.emplace_back(Type::kString);
  }
  auto flush = [&](std::uint32_t p) {
    RecordBatch b;
    b.rows = keys[p].size();
    b.columns.push_back(keys[p].finish());
    b.columns.push_back(states[p].finish());
    keys[p] = VectorBuilder(Type::kString);
    states[p] = VectorBuilder(Type::kString);
    out.emplace_back(p, std::string());
    encode_batch(b, out.back().second);
  };
  std::string state;
  for (std::uint32_t g = 0; g < groups_.size(); ++g) {
    const std::uint32_t p = detail::partition_of(groups_.hash(g), partitions);
    state.clear();
    encode_state(g, state);
    keys[p].append_string(groups_.key(g));
    states[p].append_string(state);
    if (keys[p].size() == kBatchRows) flush(p);
  }
  for (std::uint32_t p = 0; p < partitions; ++p) {
    if (keys[p].size() > 0) flush(p);
  }
  return out;
}

const Schema& state_batch_schema() {
  static const Schema schema({{"key", Type::kString, false}, {"state", Type::kString, false}});
  return schema;
}

MergedGroups::MergedGroups(const std::vector<AggregateSpec>& specs) : specs_(specs) {}

void MergedGroups::add(std::string_view key, std::uint64_t hash, std::string_view state) {
  bool fresh = false;
  const std::uint32_t g = groups_.find_or_add(key, hash, fresh);
  if (fresh) {
    states_.emplace_back(state);
    state_bytes_ += states_.back().capacity() > 15 ? states_.back().capacity() : 0;
  } else {
    states_[g] = merge_states(specs_, states_[g], state);
  }
}

std::uint64_t MergedGroups::bytes() const {
  return groups_.bytes() + states_.capacity() * sizeof(std::string) + state_bytes_;
}

void MergedGroups::finish(BatchWriter& out, std::size_t keys) const {
  for (std::uint32_t g = 0; g < groups_.size(); ++g) {
    const std::string_view key = groups_.key(g);
    std::size_t at = 0;
    for (std::size_t k = 0; k < keys; ++k) read_cell(key, at, out.column(k));
    finish_state(specs_, states_[g], out, keys);
    out.row_done();
  }
}

namespace {

// One aggregate's state as Values: [value] or avg's [sum, count] or count_distinct's
// [n, tuple...].
std::vector<Value> read_state(const AggregateSpec& spec, std::string_view bytes, std::size_t& at) {
  std::vector<Value> out{decode_value(bytes, at)};
  if (spec.fn == AggFn::kAvg) out.push_back(decode_value(bytes, at));
  if (spec.fn == AggFn::kCountDistinct) {
    const auto n = std::get<std::int64_t>(out[0]);
    for (std::int64_t i = 0; i < n; ++i) out.push_back(decode_value(bytes, at));
  }
  return out;
}

Value add(const AggregateSpec& spec, const Value& x, const Value& y) {
  if (std::holds_alternative<Null>(x)) return y;
  if (std::holds_alternative<Null>(y)) return x;
  if (const auto* a = std::get_if<std::int64_t>(&x)) {
    std::int64_t r = 0;
    if (__builtin_add_overflow(*a, std::get<std::int64_t>(y), &r)) sum_overflow(spec);
    return r;
  }
  return std::get<double>(x) + std::get<double>(y);
}

}  // namespace

std::string merge_states(const std::vector<AggregateSpec>& specs, std::string_view a, std::string_view b) {
  std::string out;
  std::size_t at_a = 0, at_b = 0;
  for (const AggregateSpec& spec : specs) {
    std::vector<Value> x = read_state(spec, a, at_a);
    const std::vector<Value> y = read_state(spec, b, at_b);
    switch (spec.fn) {
      case AggFn::kCount:
      case AggFn::kSum:
        encode_value(out, add(spec, x[0], y[0]));
        break;
      case AggFn::kAvg:
        encode_value(out, add(spec, x[0], y[0]));
        encode_value(out, add(spec, x[1], y[1]));
        break;
      case AggFn::kMin:
      case AggFn::kMax: {
        const bool min = spec.fn == AggFn::kMin;
        const bool take_y =
            !std::holds_alternative<Null>(y[0]) &&
            (std::holds_alternative<Null>(x[0]) || (min ? value_less(y[0], x[0]) : value_less(x[0], y[0])));
        encode_value(out, take_y ? y[0] : x[0]);
        break;
      }
      case AggFn::kFirst:
        encode_value(out, std::holds_alternative<Null>(x[0]) ? y[0] : x[0]);
        break;
      case AggFn::kCountDistinct: {
        std::set<std::string> all;
        for (std::size_t i = 1; i < x.size(); ++i) all.insert(std::get<std::string>(x[i]));
        for (std::size_t i = 1; i < y.size(); ++i) all.insert(std::get<std::string>(y[i]));
        encode_value(out, static_cast<std::int64_t>(all.size()));
        for (const std::string& t : all) encode_value(out, t);
        break;
      }
    }
  }
  return out;
}

void finish_state(const std::vector<AggregateSpec>& specs, std::string_view state, BatchWriter& out,
                  std::size_t first) {
  std::size_t at = 0;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const AggregateSpec& spec = specs[i];
    const std::vector<Value> s = read_state(spec, state, at);
    VectorBuilder& col = out.column(first + i);
    if (spec.fn == AggFn::kAvg) {
      const auto n = std::get<std::int64_t>(s[1]);
      if (n == 0) {
        col.append_null();
      } else {
        col.append_float64(std::get<double>(s[0]) / static_cast<double>(n));
      }
    } else {
      col.append_value(s[0]);  // count_distinct: its n
    }
  }
}

}  // namespace dataflow::frame
