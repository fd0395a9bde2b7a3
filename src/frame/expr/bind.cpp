// bind(): names to columns, types by Spark's coercion, implicit casts made explicit.
#include <algorithm>
#include <optional>

#include "dataflow/error.hpp"
#include "dataflow/udf.hpp"
#include "frame/expr/bound_expr.hpp"
#include "frame/expr/parse_value.hpp"

namespace dataflow::frame {
namespace {

using detail::ExprKind;
using detail::ExprNode;

int rank(Type t) { return t == Type::kInt32 ? 0 : t == Type::kInt64 ? 1 : 2; }

Type wider(Type a, Type b) {
  const int r = std::max(rank(a), rank(b));
  return r == 0 ? Type::kInt32 : r == 1 ? Type::kInt64 : Type::kFloat64;
}

bool is_null_literal(const BoundExpr& e) {
  return e.kind == ExprKind::kLiteral && std::holds_alternative<Null>(e.value);
}

Type literal_type(const Value& v) {
  switch (v.index()) {
    case 1:
      return Type::kBool;
    case 2:
      return Type::kInt32;
    case 3:
      return Type::kInt64;
    case 4:
      return Type::kFloat32;
    case 5:
      return Type::kFloat64;
    case 7:
      return Type::kDate;
    case 8:
      return Type::kTimestamp;
    default:
      return Type::kString;  // strings, and null until its use gives it a type
  }
}

// `e` as type `t`: a null or string literal converts here (a date compared with
// "1995-03-15" is a date comparison), anything else through a cast node.
BoundExpr coerce(BoundExpr e, Type t) {
  if (e.type == t) return e;
  if (is_null_literal(e)) {
    e.type = t;
    return e;
  }
  if (e.kind == ExprKind::kLiteral && e.type == Type::kString && (t == Type::kDate || t == Type::kTimestamp)) {
    const auto& text = std::get<std::string>(e.value);
    auto v = parse_value(text, t);
    if (!v) throw Error(ExitCode::kUsage, "cannot compare a " + std::string(type_name(t)) + " with '" + text + "'");
    e.value = *v;
    e.type = t;
    return e;
  }
  BoundExpr cast;
  cast.kind = ExprKind::kCast;
  cast.type = t;
  cast.name = e.name;
  cast.children.push_back(std::move(e));
  return cast;
}

[[noreturn]] void cannot(const std::string& op, const BoundExpr& a, const BoundExpr& b) {
  throw Error(ExitCode::kUsage, "cannot apply " + op + " to " + std::string(type_name(a.type)) + " and " +
                                    std::string(type_name(b.type)) + " (in " + a.name + " " + op + " " + b.name + ")");
}

// The type values of `a` and `b` compare or combine as (null literals take the other's).
std::optional<Type> common_type(Type a, Type b) {
  if (is_numeric(a) && is_numeric(b)) return wider(a, b);
  if (a == b) return a;
  if ((a == Type::kDate || a == Type::kTimestamp) && b == Type::kString) return a;
  if ((b == Type::kDate || b == Type::kTimestamp) && a == Type::kString) return b;
  return std::nullopt;
}

// The children `which` coerced to one type: coalesce's arguments, when's values, in's list.
Type unify(BoundExpr& out, const std::vector<std::size_t>& which) {
  std::optional<Type> t;
  const BoundExpr* seen = nullptr;
  for (const std::size_t i : which) {
    const BoundExpr& c = out.children[i];
    if (is_null_literal(c)) continue;
    if (!t) {
      t = c.type;
      seen = &c;
      continue;
    }
    auto next = common_type(*t, c.type);
    if (!next) cannot(out.op, *seen, c);
    t = next;
  }
  const Type type = t.value_or(Type::kString);
  for (const std::size_t i : which) out.children[i] = coerce(std::move(out.children[i]), type);
  return type;
}

std::vector<std::size_t> indices(std::size_t first, std::size_t step, std::size_t end) {
  std::vector<std::size_t> out;
  for (std::size_t i = first; i < end; i += step) out.push_back(i);
  return out;
}

[[noreturn]] void wrong_argument(const BoundExpr& out, const BoundExpr& arg, const char* want) {
  throw Error(ExitCode::kUsage, out.op + ": " + arg.name + " is a " + std::string(type_name(arg.type)) + ", not " +
                                    want + " (in " + out.name + ")");
}

void bind_function(BoundExpr& out) {
  auto& args = out.children;
  const std::string& f = out.op;
  auto need_numeric = [&](std::size_t i) {
    if (!is_numeric(args[i].type) && !is_null_literal(args[i])) wrong_argument(out, args[i], "a number");
  };
  auto as_string = [&](std::size_t i) {
    if (args[i].type != Type::kString) args[i] = coerce(std::move(args[i]), Type::kString);
  };
  if (f == "in") {
    unify(out, indices(0, 1, args.size()));
    out.type = Type::kBool;
  } else if (f == "startswith" || f == "endswith" || f == "contains") {
    if (args[0].type != Type::kString && !is_null_literal(args[0])) wrong_argument(out, args[0], "a string");
    as_string(0);
    out.type = Type::kBool;
  } else if (f == "when") {
    for (std::size_t i = 0; i + 1 < args.size(); i += 2) {
      if (args[i].type != Type::kBool && !is_null_literal(args[i])) wrong_argument(out, args[i], "a boolean");
      args[i] = coerce(std::move(args[i]), Type::kBool);
    }
    auto values = indices(1, 2, args.size());
    if (args.size() % 2 == 1) values.push_back(args.size() - 1);  // ELSE
    out.type = unify(out, values);
  } else if (f == "coalesce") {
    out.type = unify(out, indices(0, 1, args.size()));
  } else if (f == "abs" || f == "round") {
    need_numeric(0);
    out.type = args[0].type;
  } else if (f == "FLOOR" || f == "CEIL") {
    need_numeric(0);
    out.type = Type::kInt64;
  } else if (f == "SQRT") {
    need_numeric(0);
    args[0] = coerce(std::move(args[0]), Type::kFloat64);
    out.type = Type::kFloat64;
  } else if (f == "upper" || f == "lower" || f == "substring") {
    as_string(0);
    out.type = Type::kString;
  } else if (f == "length") {
    as_string(0);
    out.type = Type::kInt32;
  } else if (f == "concat") {
    for (std::size_t i = 0; i < args.size(); ++i) as_string(i);
    out.type = Type::kString;
  } else if (f == "year" || f == "month" || f == "dayofmonth" || f == "to_date") {
    if (args[0].type != Type::kDate && args[0].type != Type::kTimestamp && args[0].type != Type::kString &&
        !is_null_literal(args[0])) {
      wrong_argument(out, args[0], "a date");
    }
    if (f == "to_date" && args.size() == 2) {
      as_string(0);
    } else {
      args[0] = coerce(std::move(args[0]), Type::kDate);
    }
    out.type = f == "to_date" ? Type::kDate : Type::kInt32;
  } else {
    throw Error(ExitCode::kUsage, "unknown function " + f + " (in " + out.name + ")");
  }
}

void bind_binary(BoundExpr& out) {
  BoundExpr& a = out.children[0];
  BoundExpr& b = out.children[1];
  const std::string& op = out.op;
  if (is_null_literal(a)) a.type = b.type;
  if (is_null_literal(b)) b.type = a.type;
  if (op == "AND" || op == "OR") {
    if (a.type != Type::kBool || b.type != Type::kBool) cannot(op, a, b);
    out.type = Type::kBool;
    return;
  }
  if (op == "LIKE") {
    if (a.type != Type::kString || b.kind != ExprKind::kLiteral || b.type != Type::kString) cannot(op, a, b);
    out.type = Type::kBool;
    return;
  }
  const bool arithmetic = op == "+" || op == "-" || op == "*" || op == "/" || op == "%";
  Type common;
  if (is_numeric(a.type) && is_numeric(b.type)) {
    common = op == "/" ? Type::kFloat64 : wider(a.type, b.type);
  } else if (arithmetic) {
    cannot(op, a, b);
  } else if (a.type == b.type) {
    common = a.type;
  } else if ((a.type == Type::kDate || a.type == Type::kTimestamp) && b.type == Type::kString) {
    common = a.type;
  } else if ((b.type == Type::kDate || b.type == Type::kTimestamp) && a.type == Type::kString) {
    common = b.type;
  } else {
    cannot(op, a, b);
  }
  a = coerce(std::move(a), common);
  b = coerce(std::move(b), common);
  out.type = arithmetic ? common : Type::kBool;
}

// Whether every value of `from` is a value of `to` (int -> long -> double, float -> double):
// the casts Spark makes implicitly for a UDF's arguments.
bool widens(Type from, Type to) {
  switch (from) {
    case Type::kInt32:
      return to == Type::kInt64 || to == Type::kFloat64;
    case Type::kInt64:
    case Type::kFloat32:
      return to == Type::kFloat64;
    default:
      return false;
  }
}

// A user's function: each argument of its parameter's type (numbers widened), its result type.
void bind_udf(BoundExpr& out, const std::shared_ptr<const detail::UdfFunction>& fn) {
  if (out.children.size() != fn->params.size()) {
    throw Error(ExitCode::kUsage, out.name + ": the function takes " + std::to_string(fn->params.size()) +
                                      " arguments, not " + std::to_string(out.children.size()));
  }
  for (std::size_t i = 0; i < out.children.size(); ++i) {
    BoundExpr& a = out.children[i];
    const Type want = fn->params[i];
    if (is_null_literal(a)) {
      a.type = want;
    } else if (a.type != want && !widens(a.type, want)) {
      const auto article = [](Type t) { return t == Type::kInt32 ? std::string("an ") : std::string("a "); };
      throw Error(ExitCode::kUsage,
                  out.name + ": argument " + std::to_string(i + 1) + ", " + a.name + ", is " + article(a.type) +
                      std::string(type_name(a.type)) + " where the function takes " + article(want) +
                      std::string(type_name(want)) +
                      (is_numeric(a.type) && is_numeric(want) ? " (cast it first: it may not fit)" : ""));
    }
    a = coerce(std::move(a), want);
  }
  out.type = fn->result;
  out.udf = fn;
}

BoundExpr bind_node(const ExprNode& n, const Schema& schema) {
  BoundExpr out;
  out.kind = n.kind;
  out.op = n.name;
  out.name = Column(std::make_shared<ExprNode>(n)).name();
  for (const auto& c : n.children) out.children.push_back(bind_node(*c, schema));
  switch (n.kind) {
    case ExprKind::kColumn:
      // df["name"]: the column that frame's join side tagged, else (a frame that is no
      // join's side) the name as col("name") resolves it.
      if (const auto tagged = n.frame != 0 ? schema.find_tagged(n.name, n.frame) : std::nullopt) {
        out.column = *tagged;
      } else {
        out.column = schema.resolve(n.name);
      }
      out.type = schema[out.column].type;
      out.name = schema[out.column].name;
      break;
    case ExprKind::kLiteral:
      out.value = n.value;
      out.type = literal_type(n.value);
      break;
    case ExprKind::kAlias:
      out.type = out.children[0].type;
      break;
    case ExprKind::kCast:
      out.type = n.type;
      break;
    case ExprKind::kUnary:
      if (n.name == "-" && !is_numeric(out.children[0].type)) cannot("-", out.children[0], out.children[0]);
      if (n.name == "NOT" && out.children[0].type != Type::kBool) cannot("NOT", out.children[0], out.children[0]);
      out.type = n.name == "-" ? out.children[0].type : Type::kBool;
      break;
    case ExprKind::kBinary:
      bind_binary(out);
      break;
    case ExprKind::kFunction:
      bind_function(out);
      break;
    case ExprKind::kUdf:
      bind_udf(out, n.udf);
      break;
    default:
      throw Error(ExitCode::kUsage, "'" + out.name + "' cannot be evaluated here");
  }
  return out;
}

}  // namespace

BoundExpr bind(const Column& c, const Schema& schema) { return bind_node(*c.node(), schema); }

}  // namespace dataflow::frame
