// A DataFrame's schema: its columns' names and types, as Spark's StructType. Every column is
// nullable (nulls live in a validity bitmap per column batch). Names resolve
// case-insensitively, as Spark's default (spark.sql.caseSensitive=false).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dataflow {

// The column types, with Spark's names (printSchema, cast("double"), CSV schema strings).
enum class Type : std::uint8_t {
  kBool,       // boolean
  kInt32,      // integer
  kInt64,      // long
  kFloat32,    // float
  kFloat64,    // double
  kString,     // string
  kDate,       // date: days since 1970-01-01
  kTimestamp,  // timestamp: microseconds since the epoch, UTC
};

// "boolean", "integer", "long", "float", "double", "string", "date", "timestamp".
std::string_view type_name(Type t);
// A type from Spark's names and aliases ("int", "bigint", "bool", ...; any case); none if unknown.
std::optional<Type> parse_type(std::string_view name);
// Spark's NumericType: integer, long, float, double.
constexpr bool is_numeric(Type t) {
  return t == Type::kInt32 || t == Type::kInt64 || t == Type::kFloat32 || t == Type::kFloat64;
}

struct Field {
  std::string name;
  Type type = Type::kString;
  bool nullable = true;
  // The frames (their ids) whose df["name"] means this column: a join tags each side's
  // columns with that side's frame, so left["id"] and right["id"] tell them apart.
  std::vector<std::uint64_t> frames = {};
};

class Schema {
 public:
  Schema() = default;
  explicit Schema(std::vector<Field> fields) : fields_(std::move(fields)) {}

  const std::vector<Field>& fields() const { return fields_; }
  std::size_t size() const { return fields_.size(); }
  const Field& operator[](std::size_t i) const { return fields_[i]; }
  std::vector<std::string> names() const;

  // The index of the column named `name` (any case); none if no column or several have it.
  std::optional<std::size_t> find(std::string_view name) const;
  // find(), or Error(kUsage) "cannot resolve column 'agee'; did you mean 'age'?" (or
  // "... is ambiguous") naming the closest columns.
  std::size_t resolve(std::string_view name) const;
  // The column named `name` that frame `frame` tagged (Field::frames); none if no tagged
  // column has the name; Error(kUsage) if several do.
  std::optional<std::size_t> find_tagged(std::string_view name, std::uint64_t frame) const;

  // Spark's printSchema text: "root\n |-- name: string (nullable = true)\n...".
  std::string tree_string() const;

 private:
  std::vector<Field> fields_;
};

}  // namespace dataflow
