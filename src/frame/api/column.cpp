// Column: building expressions, and the names Spark gives them (toPrettySQL).
#include "dataflow/column.hpp"

#include <utility>

#include "dataflow/error.hpp"
#include "frame/pretty_value.hpp"

namespace dataflow {
namespace {

using detail::ExprKind;
using detail::ExprNode;
using NodePtr = std::shared_ptr<const ExprNode>;

Column make_node(ExprKind kind, std::string name, std::vector<NodePtr> children) {
  auto n = std::make_shared<ExprNode>();
  n->kind = kind;
  n->name = std::move(name);
  n->children = std::move(children);
  return Column(std::move(n));
}

Column sort_order(const Column& c, bool ascending, bool nulls_first) {
  auto n = std::make_shared<ExprNode>();
  n->kind = ExprKind::kSortOrder;
  n->ascending = ascending;
  n->nulls_first = nulls_first;
  n->children = {c.node()};
  return Column(std::move(n));
}

std::string value_name(const Value& v) {
  struct Name {
    std::string operator()(Null) const { return "NULL"; }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(std::int32_t x) const { return std::to_string(x); }
    std::string operator()(std::int64_t x) const { return std::to_string(x); }
    std::string operator()(float x) const { return frame::java_float(x); }
    std::string operator()(double x) const { return frame::java_double(x); }
    std::string operator()(const std::string& s) const { return s; }
    std::string operator()(Date d) const { return "DATE '" + frame::date_text(d.days) + "'"; }
    std::string operator()(Timestamp t) const { return "TIMESTAMP '" + frame::timestamp_text(t.micros) + "'"; }
  };
  return std::visit(Name{}, v);
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return out;
}

std::string name_of(const ExprNode& n) {
  auto child = [&](std::size_t i) { return name_of(*n.children.at(i)); };
  switch (n.kind) {
    case ExprKind::kColumn:
    case ExprKind::kAlias:
      return n.name;
    case ExprKind::kLiteral:
      return value_name(n.value);
    case ExprKind::kCast:
      return "CAST(" + child(0) + " AS " + upper(type_name(n.type)) + ")";
    case ExprKind::kUnary:
      if (n.name == "IS NULL" || n.name == "IS NOT NULL") return "(" + child(0) + " " + n.name + ")";
      return "(" + n.name + " " + child(0) + ")";
    case ExprKind::kBinary:
      return "(" + child(0) + " " + n.name + " " + child(1) + ")";
    case ExprKind::kFunction:
    case ExprKind::kAggregate: {
      std::string out = n.name + "(";
      for (std::size_t i = 0; i < n.children.size(); ++i) out += (i ? ", " : "") + child(i);
      return out + ")";
    }
    case ExprKind::kSortOrder:
      return child(0) + (n.ascending ? " ASC" : " DESC") + (n.nulls_first ? " NULLS FIRST" : " NULLS LAST");
  }
  return {};
}

}  // namespace

namespace detail {

Column make_literal(Value v) {
  auto n = std::make_shared<ExprNode>();
  n->kind = ExprKind::kLiteral;
  n->value = std::move(v);
  return Column(std::move(n));
}

Column make_unary(std::string op, const Column& child) {
  return make_node(ExprKind::kUnary, std::move(op), {child.node()});
}

Column make_binary(std::string op, const Column& left, const Column& right) {
  if (op == "!=") return make_unary("NOT", make_binary("=", left, right));  // Spark's =!=
  return make_node(ExprKind::kBinary, std::move(op), {left.node(), right.node()});
}

}  // namespace detail

Column Column::alias(std::string name) const { return make_node(ExprKind::kAlias, std::move(name), {node_}); }

Column Column::cast(std::string_view type) const {
  const auto t = parse_type(type);
  if (!t) throw Error(ExitCode::kUsage, "cast: unknown type '" + std::string(type) + "'");
  auto n = std::make_shared<ExprNode>();
  n->kind = ExprKind::kCast;
  n->type = *t;
  n->children = {node_};
  return Column(std::move(n));
}

Column Column::is_null() const { return detail::make_unary("IS NULL", *this); }
Column Column::is_not_null() const { return detail::make_unary("IS NOT NULL", *this); }
Column Column::between(const Column& low, const Column& high) const { return *this >= low && *this <= high; }

Column Column::isin(const std::vector<Column>& values) const {
  std::vector<NodePtr> children{node_};
  for (const Column& v : values) children.push_back(v.node());
  return make_node(ExprKind::kFunction, "in", std::move(children));
}

Column Column::like(std::string pattern) const {
  return detail::make_binary("LIKE", *this, detail::make_literal(Value(std::move(pattern))));
}

Column Column::starts_with(std::string prefix) const {
  return make_node(ExprKind::kFunction, "startswith", {node_, detail::make_literal(Value(std::move(prefix))).node()});
}

Column Column::asc() const { return sort_order(*this, true, true); }
Column Column::desc() const { return sort_order(*this, false, false); }
Column Column::asc_nulls_first() const { return sort_order(*this, true, true); }
Column Column::asc_nulls_last() const { return sort_order(*this, true, false); }
Column Column::desc_nulls_first() const { return sort_order(*this, false, true); }
Column Column::desc_nulls_last() const { return sort_order(*this, false, false); }

std::string Column::name() const {
  if (node_->kind == ExprKind::kFunction && node_->name == "in") {  // Spark: (a IN (1, 2))
    std::string out = "(" + name_of(*node_->children[0]) + " IN (";
    for (std::size_t i = 1; i < node_->children.size(); ++i) out += (i > 1 ? ", " : "") + name_of(*node_->children[i]);
    return out + "))";
  }
  return name_of(*node_);
}

namespace functions {
Column col(std::string name) { return make_node(detail::ExprKind::kColumn, std::move(name), {}); }

namespace {
Column aggregate(const char* name, const Column& c) { return make_node(ExprKind::kAggregate, name, {c.node()}); }
}  // namespace

Column sum(const Column& c) { return aggregate("sum", c); }
Column sum(const std::string& name) { return sum(col(name)); }
Column avg(const Column& c) { return aggregate("avg", c); }
Column avg(const std::string& name) { return avg(col(name)); }
Column mean(const Column& c) { return avg(c); }
Column mean(const std::string& name) { return avg(col(name)); }
Column count(const Column& c) { return aggregate("count", c); }
Column count(const std::string& name) {  // count("*") counts rows: Spark's count(1)
  return name == "*" ? aggregate("count", detail::make_literal(Value(std::int32_t{1}))) : count(col(name));
}
Column min(const Column& c) { return aggregate("min", c); }
Column min(const std::string& name) { return min(col(name)); }
Column max(const Column& c) { return aggregate("max", c); }
Column max(const std::string& name) { return max(col(name)); }
}  // namespace functions

}  // namespace dataflow
