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
    case ExprKind::kUdf: {  // NAME(a, b), whatever the name
      std::string out = n.name + "(";
      for (std::size_t i = 0; i < n.children.size(); ++i) out += (i ? ", " : "") + child(i);
      return out + ")";
    }
    case ExprKind::kFunction:
    case ExprKind::kAggregate: {
      if (n.name == "in") {  // Spark: (a IN (1, 2))
        std::string out = "(" + child(0) + " IN (";
        for (std::size_t i = 1; i < n.children.size(); ++i) out += (i > 1 ? ", " : "") + child(i);
        return out + "))";
      }
      if (n.name == "when") {  // CASE WHEN c THEN v [WHEN ...] [ELSE e] END
        std::string out = "CASE";
        std::size_t i = 0;
        for (; i + 1 < n.children.size(); i += 2) out += " WHEN " + child(i) + " THEN " + child(i + 1);
        if (i < n.children.size()) out += " ELSE " + child(i);
        return out + " END";
      }
      const bool distinct = n.name == "count_distinct";
      std::string out = (distinct ? std::string("count(DISTINCT ") : n.name + "(");
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

Column make_when(const Column& condition, const Column& value) {
  return make_node(ExprKind::kFunction, "when", {condition.node(), value.node()});
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

Column Column::ends_with(std::string suffix) const {
  return make_node(ExprKind::kFunction, "endswith", {node_, detail::make_literal(Value(std::move(suffix))).node()});
}

Column Column::contains(std::string part) const {
  return make_node(ExprKind::kFunction, "contains", {node_, detail::make_literal(Value(std::move(part))).node()});
}

Column Column::substr(int pos, int len) const { return functions::substring(*this, pos, len); }

Column Column::when_clause(const Column& condition, const Column& value) const {
  if (node_->kind != ExprKind::kFunction || node_->name != "when" || node_->children.size() % 2 != 0) {
    throw Error(ExitCode::kUsage, "when: " + name() + " is not a when(...) without otherwise(...)");
  }
  auto children = node_->children;
  children.push_back(condition.node());
  children.push_back(value.node());
  return make_node(ExprKind::kFunction, "when", std::move(children));
}

Column Column::otherwise_clause(const Column& value) const {
  if (node_->kind != ExprKind::kFunction || node_->name != "when" || node_->children.size() % 2 != 0) {
    throw Error(ExitCode::kUsage, "otherwise: " + name() + " is not a when(...) without otherwise(...)");
  }
  auto children = node_->children;
  children.push_back(value.node());
  return make_node(ExprKind::kFunction, "when", std::move(children));
}

Column Column::asc() const { return sort_order(*this, true, true); }
Column Column::desc() const { return sort_order(*this, false, false); }
Column Column::asc_nulls_first() const { return sort_order(*this, true, true); }
Column Column::asc_nulls_last() const { return sort_order(*this, true, false); }
Column Column::desc_nulls_first() const { return sort_order(*this, false, true); }
Column Column::desc_nulls_last() const { return sort_order(*this, false, false); }

std::string Column::name() const { return name_of(*node_); }

namespace functions {

ColumnOrName::ColumnOrName(const std::string& name) : column_(col(name)) {}
ColumnOrName::ColumnOrName(const char* name) : column_(col(name)) {}

Column col(std::string name) { return make_node(detail::ExprKind::kColumn, std::move(name), {}); }

namespace {
Column function(const char* name, std::vector<NodePtr> children) {
  return make_node(ExprKind::kFunction, name, std::move(children));
}
Column function(const char* name, const ColumnOrName& c) { return function(name, {c.column().node()}); }
Column aggregate(const char* name, const Column& c) { return make_node(ExprKind::kAggregate, name, {c.node()}); }
std::vector<NodePtr> nodes(const std::vector<Column>& columns) {
  std::vector<NodePtr> out;
  for (const Column& c : columns) out.push_back(c.node());
  return out;
}
NodePtr int_literal(int v) { return detail::make_literal(Value(std::int32_t{v})).node(); }
}  // namespace

Column coalesce(const std::vector<Column>& columns) {
  if (columns.empty()) throw Error(ExitCode::kUsage, "coalesce: needs at least one column");
  return function("coalesce", nodes(columns));
}
Column abs(const ColumnOrName& c) { return function("abs", c); }
Column round(const ColumnOrName& c, int scale) { return function("round", {c.column().node(), int_literal(scale)}); }
Column floor(const ColumnOrName& c) { return function("FLOOR", c); }
Column ceil(const ColumnOrName& c) { return function("CEIL", c); }
Column sqrt(const ColumnOrName& c) { return function("SQRT", c); }
Column upper(const ColumnOrName& c) { return function("upper", c); }
Column lower(const ColumnOrName& c) { return function("lower", c); }
Column length(const ColumnOrName& c) { return function("length", c); }
Column substring(const ColumnOrName& c, int pos, int len) {
  return function("substring", {c.column().node(), int_literal(pos), int_literal(len)});
}
Column concat(const std::vector<Column>& columns) { return function("concat", nodes(columns)); }
Column year(const ColumnOrName& c) { return function("year", c); }
Column month(const ColumnOrName& c) { return function("month", c); }
Column dayofmonth(const ColumnOrName& c) { return function("dayofmonth", c); }
Column to_date(const ColumnOrName& c) { return function("to_date", c); }
Column to_date(const ColumnOrName& c, const std::string& format) {
  return function("to_date", {c.column().node(), detail::make_literal(Value(format)).node()});
}

Column sum(const ColumnOrName& c) { return aggregate("sum", c.column()); }
Column avg(const ColumnOrName& c) { return aggregate("avg", c.column()); }
Column mean(const ColumnOrName& c) { return avg(c); }
Column count(const Column& c) { return aggregate("count", c); }
Column count(const std::string& name) {  // count("*") counts rows: Spark's count(1)
  return name == "*" ? aggregate("count", detail::make_literal(Value(std::int32_t{1}))) : count(col(name));
}
Column count(const char* name) { return count(std::string(name)); }
Column count_distinct(const std::vector<Column>& columns) {
  if (columns.empty()) throw Error(ExitCode::kUsage, "count_distinct: needs at least one column");
  return make_node(ExprKind::kAggregate, "count_distinct", nodes(columns));
}
Column min(const ColumnOrName& c) { return aggregate("min", c.column()); }
Column max(const ColumnOrName& c) { return aggregate("max", c.column()); }
Column first(const ColumnOrName& c) { return aggregate("first", c.column()); }
}  // namespace functions

}  // namespace dataflow
