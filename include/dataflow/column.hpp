// Column: an expression over a DataFrame's columns, as Spark's Column: col("a") + 1,
// col("x") > lit(3) && col("y").is_null(), F::sum("a").alias("total"). Built on the driver
// and every rank alike, resolved against a schema when a DataFrame uses it, evaluated a
// batch at a time. A Column does not convert to bool: `if (col("a") == 3)` does not compile.
#pragma once

#include <compare>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "dataflow/schema.hpp"

namespace dataflow {

// A literal's value: null, or one of the column types' values.
struct Null {
  auto operator<=>(const Null&) const = default;
};
struct Date {
  std::int32_t days = 0;  // since 1970-01-01
  auto operator<=>(const Date&) const = default;
};
struct Timestamp {
  std::int64_t micros = 0;  // since the epoch, UTC
  auto operator<=>(const Timestamp&) const = default;
};
using Value = std::variant<Null, bool, std::int32_t, std::int64_t, float, double, std::string, Date, Timestamp>;

namespace detail {

enum class ExprKind : std::uint8_t {
  kColumn,     // a column by name
  kLiteral,    // a value
  kAlias,      // child AS name
  kCast,       // CAST(child AS type)
  kUnary,      // op child: "-", "NOT", "IS NULL", "IS NOT NULL"
  kBinary,     // left op right: + - * / % = != < <= > >= AND OR
  kFunction,   // name(children...): abs, upper, coalesce, ...
  kAggregate,  // name(children...): sum, avg, count, min, max, first, count_distinct
  kSortOrder,  // child ASC|DESC NULLS FIRST|LAST
};

struct ExprNode {
  ExprKind kind = ExprKind::kLiteral;
  std::string name;                           // the column's, the alias, the operator or the function
  Value value;                                // kLiteral
  Type type = Type::kString;                  // kCast: the target
  bool ascending = true, nulls_first = true;  // kSortOrder
  std::uint64_t frame = 0;                    // kColumn from df["name"]: that frame's id (0: any)
  std::vector<std::shared_ptr<const ExprNode>> children;
};

}  // namespace detail

class Column {
 public:
  explicit Column(std::shared_ptr<const detail::ExprNode> node) : node_(std::move(node)) {}

  Column alias(std::string name) const;
  Column as(std::string name) const { return alias(std::move(name)); }
  Column cast(std::string_view type) const;  // Spark's type names: "double", "int", ...
  Column is_null() const;
  Column is_not_null() const;
  Column between(const Column& low, const Column& high) const;
  Column isin(const std::vector<Column>& values) const;
  Column like(std::string pattern) const;
  Column starts_with(std::string prefix) const;
  Column asc() const;   // nulls first, as Spark's default
  Column desc() const;  // nulls last
  Column asc_nulls_first() const;
  Column asc_nulls_last() const;
  Column desc_nulls_first() const;
  Column desc_nulls_last() const;

  // Spark's name of the column this expression makes: "age", "(age + 1)", "sum(age)".
  std::string name() const;
  const std::shared_ptr<const detail::ExprNode>& node() const { return node_; }

  explicit operator bool() const = delete;  // if (col("a") == 3) is a mistake: see filter()

 private:
  std::shared_ptr<const detail::ExprNode> node_;
};

namespace detail {
Column make_literal(Value v);
Column make_unary(std::string op, const Column& child);
Column make_binary(std::string op, const Column& left, const Column& right);

// What a literal operand may be: a number, a bool or a string.
template <class T>
Column to_column(const T& v) {
  if constexpr (std::is_same_v<T, Column>) {
    return v;
  } else if constexpr (std::is_same_v<T, bool>) {
    return make_literal(Value(v));
  } else if constexpr (std::is_integral_v<T>) {
    if constexpr (sizeof(T) <= 4 && std::is_signed_v<T>) {
      return make_literal(Value(static_cast<std::int32_t>(v)));
    } else {
      return make_literal(Value(static_cast<std::int64_t>(v)));
    }
  } else if constexpr (std::is_floating_point_v<T>) {
    return make_literal(Value(static_cast<double>(v)));
  } else {
    return make_literal(Value(std::string(v)));  // strings and string literals
  }
}

template <class A, class B>
inline constexpr bool kColumnOperands = std::is_same_v<A, Column> || std::is_same_v<B, Column>;
}  // namespace detail

#define DATAFLOW_COLUMN_BINARY(OP, NAME)                                                \
  template <class A, class B, std::enable_if_t<detail::kColumnOperands<A, B>, int> = 0> \
  Column operator OP(const A& a, const B& b) {                                          \
    return detail::make_binary(NAME, detail::to_column(a), detail::to_column(b));       \
  }
DATAFLOW_COLUMN_BINARY(+, "+")
DATAFLOW_COLUMN_BINARY(-, "-")
DATAFLOW_COLUMN_BINARY(*, "*")
DATAFLOW_COLUMN_BINARY(/, "/")
DATAFLOW_COLUMN_BINARY(%, "%")
DATAFLOW_COLUMN_BINARY(==, "=")
DATAFLOW_COLUMN_BINARY(!=, "!=")
DATAFLOW_COLUMN_BINARY(<, "<")
DATAFLOW_COLUMN_BINARY(<=, "<=")
DATAFLOW_COLUMN_BINARY(>, ">")
DATAFLOW_COLUMN_BINARY(>=, ">=")
DATAFLOW_COLUMN_BINARY(&&, "AND")
DATAFLOW_COLUMN_BINARY(||, "OR")
#undef DATAFLOW_COLUMN_BINARY

inline Column operator!(const Column& c) { return detail::make_unary("NOT", c); }
inline Column operator-(const Column& c) { return detail::make_unary("-", c); }

namespace functions {
Column col(std::string name);
// Aggregates (group_by(...).agg(...)); each takes a Column or a column's name. count("*")
// counts rows (Spark's count(1)); the others skip nulls.
Column sum(const Column& c);
Column sum(const std::string& name);
Column avg(const Column& c);
Column avg(const std::string& name);
Column mean(const Column& c);
Column mean(const std::string& name);
Column count(const Column& c);
Column count(const std::string& name);
Column min(const Column& c);
Column min(const std::string& name);
Column max(const Column& c);
Column max(const std::string& name);
template <class T>
Column lit(const T& v) {
  return detail::to_column(v);
}
}  // namespace functions

}  // namespace dataflow
