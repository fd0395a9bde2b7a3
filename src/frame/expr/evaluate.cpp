// evaluate(): typed loops over whole vectors for arithmetic, comparisons, logic and widening
// casts, with nulls propagated through the validity bitmaps; other casts through Values;
// functions in functions.cpp.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "dataflow/error.hpp"
#include "dataflow/udf.hpp"
#include "frame/expr/bound_expr.hpp"
#include "frame/expr/functions.hpp"
#include "frame/expr/parse_value.hpp"

namespace dataflow::frame {
namespace {

using detail::ExprKind;

// A number's value as a double (for casts between numeric types and to bool).
double as_double(const Value& v) {
  switch (v.index()) {
    case 1:
      return std::get<bool>(v) ? 1 : 0;
    case 2:
      return std::get<std::int32_t>(v);
    case 3:
      return static_cast<double>(std::get<std::int64_t>(v));
    case 4:
      return std::get<float>(v);
    case 5:
      return std::get<double>(v);
    default:
      return 0;
  }
}

// Spark's (non-ANSI) cast of one value: null where the value does not convert.
Value cast_value(const Value& v, Type from, Type to, const Vector& source, std::uint32_t row) {
  if (std::holds_alternative<Null>(v)) return Null{};
  if (to == Type::kString) return pretty_cell(source, row);
  if (from == Type::kString) {
    auto parsed = parse_value(std::get<std::string>(v), to);
    return parsed ? *parsed : Value(Null{});
  }
  if (from == Type::kDate && to == Type::kTimestamp) return Timestamp{std::get<Date>(v).days * 86400LL * 1000000};
  if (from == Type::kTimestamp && to == Type::kDate) {
    const std::int64_t us = std::get<Timestamp>(v).micros, day = 86400LL * 1000000;
    return Date{static_cast<std::int32_t>((us >= 0 ? us : us - day + 1) / day)};
  }
  if (from == Type::kDate || from == Type::kTimestamp || to == Type::kDate || to == Type::kTimestamp) return Null{};
  const double d = as_double(v);
  switch (to) {
    case Type::kBool:
      return d != 0;
    case Type::kInt32:
      if (!std::isfinite(d) || d < -2147483648.0 || d >= 2147483648.0) return Null{};
      return from == Type::kInt64 ? static_cast<std::int32_t>(std::get<std::int64_t>(v)) : static_cast<std::int32_t>(d);
    case Type::kInt64:
      if (from == Type::kInt64) return v;
      if (!std::isfinite(d) || d < -9.2233720368547758e18 || d >= 9.2233720368547758e18) return Null{};
      return static_cast<std::int64_t>(d);
    case Type::kFloat32:
      return static_cast<float>(d);
    case Type::kFloat64:
      return from == Type::kInt64 ? static_cast<double>(std::get<std::int64_t>(v)) : d;
    default:
      return Null{};
  }
}

// A literal's vector: its bytes repeated (one Value conversion, not one per row).
Vector broadcast_literal(const Value& v, Type t, std::uint32_t rows) {
  VectorBuilder one(t);
  one.append_value(v);
  const Vector cell = one.finish();
  if (rows == 1) return cell;
  Vector out;
  out.type = t;
  out.size = rows;
  if (!cell.valid(0)) {
    out.validity.assign((rows + 7) / 8, '\0');
    out.data.assign(static_cast<std::size_t>(rows) * value_width(t), '\0');
    if (t == Type::kString) out.offsets.assign(rows + 1, 0);
    return out;
  }
  if (t == Type::kString) {
    const auto len = static_cast<std::uint32_t>(cell.data.size());
    out.data.reserve(static_cast<std::size_t>(len) * rows);
    out.offsets.resize(rows + 1);
    for (std::uint32_t i = 0; i < rows; ++i) {
      out.offsets[i] = i * len;
      out.data += cell.data;
    }
    out.offsets[rows] = rows * len;
    return out;
  }
  out.data.reserve(cell.data.size() * rows);
  for (std::uint32_t i = 0; i < rows; ++i) out.data += cell.data;
  return out;
}

// Between numeric types: a typed loop (int to long or double, long to double, the common
// implicit casts of arithmetic); anything else through Values.
template <class From, class To>
Vector widen_numbers(const Vector& in, Type to) {
  Vector out;
  out.type = to;
  out.size = in.size;
  out.validity = in.validity;
  out.data.resize(static_cast<std::size_t>(in.size) * sizeof(To));
  for (std::uint32_t i = 0; i < in.size; ++i) {
    const To v = static_cast<To>(in.value<From>(i));
    std::memcpy(out.data.data() + static_cast<std::size_t>(i) * sizeof(To), &v, sizeof(To));
  }
  return out;
}

Vector cast_vector(const Vector& in, Type to) {
  if (in.type == to) return in;
  if (in.type == Type::kInt32 && to == Type::kInt64) return widen_numbers<std::int32_t, std::int64_t>(in, to);
  if (in.type == Type::kInt32 && to == Type::kFloat64) return widen_numbers<std::int32_t, double>(in, to);
  if (in.type == Type::kInt64 && to == Type::kFloat64) return widen_numbers<std::int64_t, double>(in, to);
  if (in.type == Type::kFloat32 && to == Type::kFloat64) return widen_numbers<float, double>(in, to);
  VectorBuilder out(to);
  for (std::uint32_t i = 0; i < in.size; ++i) out.append_value(cast_value(value_at(in, i), in.type, to, in, i));
  return out.finish();
}

[[noreturn]] void overflow(const BoundExpr& e) {
  throw Error(ExitCode::kDataError, "integer overflow in " + e.name + " (cast an operand to long or double)");
}

// Doubles without nulls under + - *: one tight loop straight into the result's bytes (the
// common case of revenue-like expressions), which the compiler can vectorize.
template <class Op>
Vector dense_doubles(Type type, const Vector& a, const Vector& b, Op op) {
  Vector out;
  out.type = type;
  out.size = a.size;
  out.data.resize(static_cast<std::size_t>(a.size) * sizeof(double));
  const char* x = a.data.data();
  const char* y = b.data.data();
  char* z = out.data.data();
  for (std::uint32_t i = 0; i < a.size; ++i) {
    double u, v;
    std::memcpy(&u, x + static_cast<std::size_t>(i) * sizeof(double), sizeof u);
    std::memcpy(&v, y + static_cast<std::size_t>(i) * sizeof(double), sizeof v);
    const double r = op(u, v);
    std::memcpy(z + static_cast<std::size_t>(i) * sizeof(double), &r, sizeof r);
  }
  return out;
}

template <class T>
Vector arithmetic(const BoundExpr& e, const Vector& a, const Vector& b) {
  const char op = e.op[0];
  if constexpr (std::is_same_v<T, double>) {
    if (a.validity.empty() && b.validity.empty()) {
      if (op == '+') return dense_doubles(e.type, a, b, std::plus<>());
      if (op == '-') return dense_doubles(e.type, a, b, std::minus<>());
      if (op == '*') return dense_doubles(e.type, a, b, std::multiplies<>());
    }
  }
  VectorBuilder out(e.type);
  for (std::uint32_t i = 0; i < a.size; ++i) {
    if (!a.valid(i) || !b.valid(i)) {
      out.append_null();
      continue;
    }
    const T x = a.value<T>(i), y = b.value<T>(i);
    T r{};
    if constexpr (std::is_integral_v<T>) {
      bool bad = false;
      switch (op) {
        case '+':
          bad = __builtin_add_overflow(x, y, &r);
          break;
        case '-':
          bad = __builtin_sub_overflow(x, y, &r);
          break;
        case '*':
          bad = __builtin_mul_overflow(x, y, &r);
          break;
        default:  // '%': by zero is null, as Spark's
          if (y == 0) {
            out.append_null();
            continue;
          }
          r = (y == -1) ? 0 : x % y;
      }
      if (bad) overflow(e);
    } else {
      switch (op) {
        case '+':
          r = x + y;
          break;
        case '-':
          r = x - y;
          break;
        case '*':
          r = x * y;
          break;
        case '/':
          if (y == 0) {  // Spark: division by zero is null
            out.append_null();
            continue;
          }
          r = x / y;
          break;
        default:
          if (y == 0) {
            out.append_null();
            continue;
          }
          r = std::fmod(x, y);
      }
    }
    if constexpr (std::is_same_v<T, std::int32_t>) {
      out.append_int32(r);
    } else if constexpr (std::is_same_v<T, std::int64_t>) {
      out.append_int64(r);
    } else {
      out.append_float64(r);
    }
  }
  return out.finish();
}

template <class Get, class Cmp>
Vector compare_with(const Vector& a, const Vector& b, Get get, Cmp cmp) {
  VectorBuilder out(Type::kBool);
  for (std::uint32_t i = 0; i < a.size; ++i) {
    if (!a.valid(i) || !b.valid(i)) {
      out.append_null();
      continue;
    }
    out.append_bool(cmp(get(a, i), get(b, i)));
  }
  return out.finish();
}

// The operator chosen once per batch, not once per row.
template <class Get>
Vector compare(const std::string& op, const Vector& a, const Vector& b, Get get) {
  if (op == "=") return compare_with(a, b, get, std::equal_to<>());
  if (op == "<") return compare_with(a, b, get, std::less<>());
  if (op == "<=") return compare_with(a, b, get, std::less_equal<>());
  if (op == ">") return compare_with(a, b, get, std::greater<>());
  return compare_with(a, b, get, std::greater_equal<>());
}

// f(get), get(v, i) reading value i of a vector of type t as comparisons compare it.
template <class F>
decltype(auto) with_reader(Type t, F f) {
  switch (t) {
    case Type::kBool:
      return f([](const Vector& v, std::uint32_t i) { return v.value<std::uint8_t>(i); });
    case Type::kInt32:
    case Type::kDate:
      return f([](const Vector& v, std::uint32_t i) { return v.value<std::int32_t>(i); });
    case Type::kInt64:
    case Type::kTimestamp:
      return f([](const Vector& v, std::uint32_t i) { return v.value<std::int64_t>(i); });
    case Type::kFloat32:
      return f([](const Vector& v, std::uint32_t i) { return v.value<float>(i); });
    case Type::kFloat64:
      return f([](const Vector& v, std::uint32_t i) { return v.value<double>(i); });
    case Type::kString:
      break;
  }
  return f([](const Vector& v, std::uint32_t i) { return v.string(i); });
}

Vector compare_vectors(const std::string& op, const Vector& a, const Vector& b) {
  return with_reader(a.type, [&](auto get) { return compare(op, a, b, get); });
}

// SQL LIKE: % any run, _ any one byte.
bool like(std::string_view s, std::string_view p) {
  std::size_t si = 0, pi = 0, star = std::string_view::npos, mark = 0;
  while (si < s.size()) {
    if (pi < p.size() && (p[pi] == '_' || p[pi] == s[si])) {
      ++si;
      ++pi;
    } else if (pi < p.size() && p[pi] == '%') {
      star = pi++;
      mark = si;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      si = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '%') ++pi;
  return pi == p.size();
}

// Kleene logic: false AND null is false, true OR null is true.
Vector logic(bool is_and, const Vector& a, const Vector& b) {
  VectorBuilder out(Type::kBool);
  for (std::uint32_t i = 0; i < a.size; ++i) {
    const bool av = a.valid(i), bv = b.valid(i);
    const bool x = av && a.value<std::uint8_t>(i), y = bv && b.value<std::uint8_t>(i);
    if (is_and) {
      if ((av && !x) || (bv && !y))
        out.append_bool(false);
      else if (av && bv)
        out.append_bool(true);
      else
        out.append_null();
    } else {
      if (x || y)
        out.append_bool(true);
      else if (av && bv)
        out.append_bool(false);
      else
        out.append_null();
    }
  }
  return out.finish();
}

Vector unary(const BoundExpr& e, const Vector& a) {
  VectorBuilder out(e.type);
  const bool null_test = e.op == "IS NULL" || e.op == "IS NOT NULL", want_valid = e.op == "IS NOT NULL";
  const bool negate = e.op == "NOT";
  for (std::uint32_t i = 0; i < a.size; ++i) {
    if (null_test) {
      out.append_bool(a.valid(i) == want_valid);
    } else if (!a.valid(i)) {
      out.append_null();
    } else if (negate) {
      out.append_bool(a.value<std::uint8_t>(i) == 0);
    } else if (a.type == Type::kInt32) {  // "-"
      if (a.value<std::int32_t>(i) == INT32_MIN) overflow(e);
      out.append_int32(-a.value<std::int32_t>(i));
    } else if (a.type == Type::kInt64) {
      if (a.value<std::int64_t>(i) == INT64_MIN) overflow(e);
      out.append_int64(-a.value<std::int64_t>(i));
    } else if (a.type == Type::kFloat32) {
      out.append_float32(-a.value<float>(i));
    } else {
      out.append_float64(-a.value<double>(i));
    }
  }
  return out.finish();
}

Vector binary(const BoundExpr& e, const Vector& a, const Vector& b) {
  if (e.op == "AND" || e.op == "OR") return logic(e.op == "AND", a, b);
  if (e.op == "LIKE") {
    VectorBuilder out(Type::kBool);
    for (std::uint32_t i = 0; i < a.size; ++i) {
      if (!a.valid(i) || !b.valid(i)) {
        out.append_null();
      } else {
        out.append_bool(like(a.string(i), b.string(i)));
      }
    }
    return out.finish();
  }
  if (e.type == Type::kBool) return compare_vectors(e.op, a, b);
  switch (e.type) {
    case Type::kInt32:
      return arithmetic<std::int32_t>(e, a, b);
    case Type::kInt64:
      return arithmetic<std::int64_t>(e, a, b);
    default:
      return arithmetic<double>(e, a, b);
  }
}

// A user's function over the batch's argument columns (already of its parameter types).
Vector evaluate_udf(const BoundExpr& e, const std::vector<Vector>& args, std::uint32_t rows) {
  std::vector<detail::UdfColumn> views;
  views.reserve(args.size());
  for (const Vector& a : args) {
    views.push_back({a.data.data(), a.offsets.empty() ? nullptr : a.offsets.data(),
                     a.validity.empty() ? nullptr : reinterpret_cast<const unsigned char*>(a.validity.data())});
  }
  detail::UdfResult r;
  r.width = value_width(e.type);
  e.udf->run(views.data(), rows, r);
  if (r.size != rows)
    throw Error(ExitCode::kSoftware,
                e.name + ": " + std::to_string(r.size) + " results for " + std::to_string(rows) + " rows");
  Vector out;
  out.type = e.type;
  out.size = r.size;
  out.data = std::move(r.data);
  if (e.type == Type::kString) out.offsets = std::move(r.offsets);
  out.validity = std::move(r.validity);
  if (!out.validity.empty()) {  // as VectorBuilder leaves it: (size + 7) / 8 bytes, no bit past the last row
    out.validity.resize((out.size + 7) / 8);
    if (out.size % 8 != 0) out.validity.back() = static_cast<char>(out.validity.back() & ((1 << (out.size % 8)) - 1));
  }
  return out;
}

}  // namespace

Vector evaluate(const BoundExpr& e, const RecordBatch& batch) {
  switch (e.kind) {
    case ExprKind::kColumn:
      return batch.columns.at(e.column);
    case ExprKind::kLiteral:
      return broadcast_literal(e.value, e.type, batch.rows);
    case ExprKind::kAlias:
      return evaluate(e.children[0], batch);
    case ExprKind::kCast:
      return cast_vector(evaluate(e.children[0], batch), e.type);
    case ExprKind::kUnary:
      return unary(e, evaluate(e.children[0], batch));
    case ExprKind::kBinary:
      return binary(e, evaluate(e.children[0], batch), evaluate(e.children[1], batch));
    case ExprKind::kFunction: {
      std::vector<Vector> args;
      args.reserve(e.children.size());
      for (const BoundExpr& c : e.children) args.push_back(evaluate(c, batch));
      return evaluate_function(e, args, batch.rows);
    }
    case ExprKind::kUdf: {
      std::vector<Vector> args;
      args.reserve(e.children.size());
      for (const BoundExpr& c : e.children) args.push_back(evaluate(c, batch));
      return evaluate_udf(e, args, batch.rows);
    }
    default:
      throw Error(ExitCode::kSoftware, "cannot evaluate " + e.name + " row by row");
  }
}

namespace {

// The terms of the predicate's top-level ANDs: a row passes when every one is true.
void and_terms(const BoundExpr& e, std::vector<const BoundExpr*>& out) {
  if (e.kind == ExprKind::kBinary && e.op == "AND") {
    and_terms(e.children[0], out);
    and_terms(e.children[1], out);
  } else {
    out.push_back(&e);
  }
}

// Whether `e` reads no column (a literal, maybe cast): the same value on every row.
bool is_constant(const BoundExpr& e) {
  if (e.kind == ExprKind::kLiteral) return true;
  return (e.kind == ExprKind::kCast || e.kind == ExprKind::kAlias) && is_constant(e.children[0]);
}

// `rows` narrowed to those where column `c` compares as `op` says with the constant k.
template <class Get, class K>
void keep_compared(const std::string& op, const Vector& c, Get get, const K& k, std::vector<std::uint32_t>& rows) {
  const auto keep = [&](auto cmp) {
    std::size_t n = 0;
    for (const std::uint32_t r : rows) {
      if (c.valid(r) && cmp(get(c, r), k)) rows[n++] = r;
    }
    rows.resize(n);
  };
  if (op == "=") return keep(std::equal_to<>());
  if (op == "<") return keep(std::less<>());
  if (op == "<=") return keep(std::less_equal<>());
  if (op == ">") return keep(std::greater<>());
  keep(std::greater_equal<>());
}

// A comparison of a column with a constant narrows `rows` in one typed pass over those rows,
// without building the column of results (true); any other term is not this (false).
bool narrow_by_comparison(const BoundExpr& term, const RecordBatch& batch, std::vector<std::uint32_t>& rows) {
  static const char* const kOps[][2] = {{"=", "="}, {"<", ">"}, {"<=", ">="}, {">", "<"}, {">=", "<="}};
  if (term.kind != ExprKind::kBinary || term.children.size() != 2) return false;
  const BoundExpr* column = &term.children[0];
  const BoundExpr* constant = &term.children[1];
  bool flipped = false;
  if (is_constant(*column)) {
    std::swap(column, constant);
    flipped = true;
  }
  while (column->kind == ExprKind::kAlias) column = &column->children[0];
  if (column->kind != ExprKind::kColumn || !is_constant(*constant) || column->type != constant->type) return false;
  const char* op = nullptr;
  for (const auto& pair : kOps) {
    if (term.op == pair[0]) op = pair[flipped ? 1 : 0];
  }
  if (op == nullptr) return false;
  RecordBatch none;
  none.rows = 1;
  const Vector k = evaluate(*constant, none);
  if (!k.valid(0)) {  // a comparison with null is null: no row passes
    rows.clear();
    return true;
  }
  const Vector& c = batch.columns.at(column->column);
  with_reader(c.type, [&](auto get) { keep_compared(op, c, get, get(k, 0), rows); });
  return true;
}

}  // namespace

std::vector<std::uint32_t> select_true(const BoundExpr& predicate, const RecordBatch& batch) {
  if (predicate.type != Type::kBool) {
    throw Error(ExitCode::kUsage, "filter: " + predicate.name + " is a " + std::string(type_name(predicate.type)) +
                                      ", not a boolean condition");
  }
  // Each term of the ANDs narrows the rows that passed the terms before it: a comparison of
  // a column with a constant in one pass over those rows (a selection vector), any other
  // term evaluated over the batch.
  std::vector<const BoundExpr*> terms;
  and_terms(predicate, terms);
  std::vector<std::uint32_t> rows(batch.rows);
  for (std::uint32_t i = 0; i < batch.rows; ++i) rows[i] = i;
  for (const BoundExpr* term : terms) {
    if (rows.empty()) break;
    if (narrow_by_comparison(*term, batch, rows)) continue;
    const Vector v = evaluate(*term, batch);
    std::size_t n = 0;
    for (const std::uint32_t r : rows) {
      if (v.valid(r) && v.value<std::uint8_t>(r) != 0) rows[n++] = r;
    }
    rows.resize(n);
  }
  return rows;
}

}  // namespace dataflow::frame
