// Schema inference for CSV (inferSchema): each column's type folded over its non-null
// fields through Spark's order integer -> long -> double -> date -> timestamp -> boolean ->
// string (CSVInferSchema: a field is tried from the column's type so far upwards, and the
// result merged with it); partial results from tasks merged by merge_types.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dataflow/schema.hpp"

namespace dataflow::frame::csv {

// The type of one non-null field given the column's type so far (none: no field yet).
Type infer_field(std::optional<Type> so_far, std::string_view text);
// Spark's compatibleType: equal types; integer < long < double widen; date with timestamp
// is timestamp; anything else string. None with a type is that type.
std::optional<Type> merge_types(std::optional<Type> a, std::optional<Type> b);

// Per-column states as bytes (one per column, 0xFF: no field yet), for the inference job.
class InferState {
 public:
  explicit InferState(std::size_t columns = 0) : types_(columns, kNone) {}
  explicit InferState(std::string bytes) : types_(std::move(bytes)) {}
  void add(std::size_t column, std::string_view text);
  void merge(const InferState& other);
  std::optional<Type> type(std::size_t column) const;
  std::size_t size() const { return types_.size(); }
  const std::string& bytes() const { return types_; }

 private:
  static constexpr char kNone = static_cast<char>(0xFF);
  std::string types_;
};

}  // namespace dataflow::frame::csv
