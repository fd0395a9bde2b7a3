// Row: one record of a DataFrame as collect() returns it, with its schema: row.get<double>
// ("revenue"), row.get<std::string>(0), row.is_null("age").
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dataflow/column.hpp"
#include "dataflow/error.hpp"
#include "dataflow/schema.hpp"

namespace dataflow {

class Row {
 public:
  Row(std::shared_ptr<const Schema> schema, std::vector<Value> values)
      : schema_(std::move(schema)), values_(std::move(values)) {}

  std::size_t size() const { return values_.size(); }
  const Schema& schema() const { return *schema_; }
  const Value& operator[](std::size_t i) const { return values_.at(i); }
  const Value& operator[](std::string_view name) const { return values_.at(schema_->resolve(name)); }
  bool is_null(std::size_t i) const { return std::holds_alternative<Null>(values_.at(i)); }
  bool is_null(std::string_view name) const { return is_null(schema_->resolve(name)); }

  // The value as T: the column's own type, or a wider number (an int as long or double).
  // Error(kUsage) for a null or another type, naming the column.
  template <class T>
  T get(std::size_t i) const {
    const Value& v = values_.at(i);
    if (const T* p = std::get_if<T>(&v)) return *p;
    if constexpr (std::is_same_v<T, std::int64_t>) {
      if (const auto* p = std::get_if<std::int32_t>(&v)) return *p;
    } else if constexpr (std::is_same_v<T, double>) {
      if (const auto* p = std::get_if<std::int32_t>(&v)) return *p;
      if (const auto* p = std::get_if<std::int64_t>(&v)) return static_cast<double>(*p);
      if (const auto* p = std::get_if<float>(&v)) return *p;
    }
    wrong_type(i, is_null(i));
  }
  template <class T>
  T get(std::string_view name) const {
    return get<T>(schema_->resolve(name));
  }

  // Spark's Row text: [Alice,25] (NULL as null).
  std::string to_string() const;

 private:
  [[noreturn]] void wrong_type(std::size_t i, bool null) const;

  std::shared_ptr<const Schema> schema_;
  std::vector<Value> values_;
};

}  // namespace dataflow
