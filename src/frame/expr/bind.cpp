// bind(): names to columns, types by Spark's coercion, implicit casts made explicit.
#include <algorithm>

#include "dataflow/error.hpp"
#include "frame/expr/bound_expr.hpp"
#include "frame/expr/parse_value.hpp"

namespace dataflow::frame {
namespace {

using detail::ExprKind;
using detail::ExprNode;

bool numeric(Type t) { return t == Type::kInt32 || t == Type::kInt64 || t == Type::kFloat32 || t == Type::kFloat64; }

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
  if (numeric(a.type) && numeric(b.type)) {
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
      if (n.name == "-" && !numeric(out.children[0].type)) cannot("-", out.children[0], out.children[0]);
      if (n.name == "NOT" && out.children[0].type != Type::kBool) cannot("NOT", out.children[0], out.children[0]);
      out.type = n.name == "-" ? out.children[0].type : Type::kBool;
      break;
    case ExprKind::kBinary:
      bind_binary(out);
      break;
    default:
      throw Error(ExitCode::kUsage, "'" + out.name + "' cannot be evaluated here");
  }
  return out;
}

}  // namespace

BoundExpr bind(const Column& c, const Schema& schema) { return bind_node(*c.node(), schema); }

}  // namespace dataflow::frame
