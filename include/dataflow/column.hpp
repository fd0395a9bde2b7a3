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
  kUdf,        // udf(children...): a user's function (udf.hpp)
};

struct UdfFunction;

struct ExprNode {
  ExprKind kind = ExprKind::kLiteral;
  std::string name;                           // the column's, the alias, the operator or the function
  Value value;                                // kLiteral
  Type type = Type::kString;                  // kCast: the target
  bool ascending = true, nulls_first = true;  // kSortOrder
  std::uint64_t frame = 0;                    // kColumn from df["name"]: that frame's id (0: any)
  std::vector<std::shared_ptr<const ExprNode>> children;
  std::shared_ptr<const UdfFunction> udf;  // kUdf
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
  // (a IN (1, 2)): true when equal to one of the values; null when a is null, or when none
  // is equal and one of them is null (SQL's rule).
  Column isin(const std::vector<Column>& values) const;
  template <class... Ts>
  Column isin(const Ts&... values) const;  // col("a").isin(1, 2, 3)
  Column like(std::string pattern) const;  // SQL: % any run, _ any one character
  Column starts_with(std::string prefix) const;
  Column ends_with(std::string suffix) const;
  Column contains(std::string part) const;
  // Spark's substr: from 1-based `pos` (negative counts from the end), `len` characters.
  Column substr(int pos, int len) const;
  // CASE WHEN: functions::when(c, v).when(c2, v2).otherwise(v3); without otherwise, null
  // where no condition holds. when/otherwise on a Column that is not a when() is an error.
  template <class T>
  Column when(const Column& condition, const T& value) const;
  template <class T>
  Column otherwise(const T& value) const;
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
  Column when_clause(const Column& condition, const Column& value) const;
  Column otherwise_clause(const Column& value) const;

  std::shared_ptr<const detail::ExprNode> node_;
};

namespace detail {
Column make_literal(Value v);
Column make_unary(std::string op, const Column& child);
Column make_binary(std::string op, const Column& left, const Column& right);
Column make_when(const Column& condition, const Column& value);  // CASE WHEN condition THEN value END

// What a literal operand may be: a number, a bool or a string.
template <class T>
Column to_column(const T& v) {
  if constexpr (std::is_same_v<T, Column>) {
    return v;
  } else if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, Null> || std::is_same_v<T, Date> ||
                       std::is_same_v<T, Timestamp>) {
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

template <class... Ts>
Column Column::isin(const Ts&... values) const {
  return isin(std::vector<Column>{detail::to_column(values)...});
}
template <class T>
Column Column::when(const Column& condition, const T& value) const {
  return when_clause(condition, detail::to_column(value));
}
template <class T>
Column Column::otherwise(const T& value) const {
  return otherwise_clause(detail::to_column(value));
}

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

// A function's argument: a Column, or a column's name (PySpark's functions take either).
class ColumnOrName {
 public:
  ColumnOrName(Column c) : column_(std::move(c)) {}  // NOLINT(google-explicit-constructor)
  ColumnOrName(const std::string& name);             // NOLINT(google-explicit-constructor)
  ColumnOrName(const char* name);                    // NOLINT(google-explicit-constructor)
  const Column& column() const { return column_; }

 private:
  Column column_;
};

Column col(std::string name);
template <class T>
Column lit(const T& v) {
  return detail::to_column(v);
}

// ---- Scalar functions (SQL's nulls: a null argument gives null, except coalesce/when) ----
// CASE WHEN condition THEN value ...; chain .when(...) and .otherwise(...) on the result.
template <class T>
Column when(const Column& condition, const T& value);
Column coalesce(const std::vector<Column>& columns);  // the first non-null argument
template <class... Cs>
Column coalesce(const Cs&... columns) {
  return coalesce(std::vector<Column>{ColumnOrName(columns).column()...});
}
Column abs(const ColumnOrName& c);
Column round(const ColumnOrName& c, int scale = 0);  // HALF_UP, as Spark
Column floor(const ColumnOrName& c);                 // a long
Column ceil(const ColumnOrName& c);                  // a long
Column sqrt(const ColumnOrName& c);                  // a double; NaN for negatives, as Spark
Column upper(const ColumnOrName& c);
Column lower(const ColumnOrName& c);
Column length(const ColumnOrName& c);  // characters (UTF-8), an int
// Characters from 1-based `pos` (0 as 1, negative from the end), `len` of them.
Column substring(const ColumnOrName& c, int pos, int len);
Column concat(const std::vector<Column>& columns);  // null if any argument is null
template <class... Cs>
Column concat(const Cs&... columns) {
  return concat(std::vector<Column>{ColumnOrName(columns).column()...});
}
Column year(const ColumnOrName& c);
Column month(const ColumnOrName& c);
Column dayofmonth(const ColumnOrName& c);
// A date from a string (yyyy-MM-dd, or `format` with yyyy, MM, M, dd, d and literal
// characters), a timestamp or a date; null where the text is not a date.
Column to_date(const ColumnOrName& c);
Column to_date(const ColumnOrName& c, const std::string& format);

// ---- Aggregates (group_by(...).agg(...)); nulls are skipped ----
// sum: a long for integers, a double otherwise; avg a double; count a long. count("*")
// counts rows (Spark's count(1)). min/max on every type; first: the first non-null value.
Column sum(const ColumnOrName& c);
Column avg(const ColumnOrName& c);
Column mean(const ColumnOrName& c);
Column count(const Column& c);
Column count(const std::string& name);
Column count(const char* name);
Column count_distinct(const std::vector<Column>& columns);  // count(DISTINCT x)
template <class... Cs>
Column count_distinct(const Cs&... columns) {
  return count_distinct(std::vector<Column>{ColumnOrName(columns).column()...});
}
template <class... Cs>
Column countDistinct(const Cs&... columns) {  // NOLINT(readability-identifier-naming): Spark's name
  return count_distinct(columns...);
}
Column min(const ColumnOrName& c);
Column max(const ColumnOrName& c);
Column first(const ColumnOrName& c);

template <class T>
Column when(const Column& condition, const T& value) {
  return detail::make_when(condition, detail::to_column(value));
}
}  // namespace functions

}  // namespace dataflow
