// The inference lattice: from_chars for numbers, parse_value for dates and timestamps.
#include "frame/csv/csv_infer.hpp"

#include <algorithm>

#include "frame/csv/csv_number.hpp"
#include "frame/expr/parse_value.hpp"

namespace dataflow::frame::csv {
namespace {

template <class T>
bool parses_as(std::string_view s) {
  T v{};
  return field_value(s, v);
}

bool parses_as_double(std::string_view s) {
  std::uint64_t mantissa = 0;
  int fraction = 0;
  if (plain_decimal(s, mantissa, fraction)) return true;  // the common case, without dividing
  double v = 0;
  return double_value(s, v);
}

bool inferred_numeric(Type t) { return t == Type::kInt32 || t == Type::kInt64 || t == Type::kFloat64; }

int rank_of(Type t) { return t == Type::kInt32 ? 0 : t == Type::kInt64 ? 1 : 2; }

}  // namespace

Type infer_field(std::optional<Type> so_far, std::string_view text) {
  // Each step tries its type, then falls to the next (Spark's tryParseInteger -> ...).
  const Type from = so_far.value_or(Type::kInt32);
  switch (from) {
    case Type::kInt32:
      if (parses_as<std::int32_t>(text)) return Type::kInt32;
      [[fallthrough]];
    case Type::kInt64:
      if (parses_as<std::int64_t>(text)) return Type::kInt64;
      [[fallthrough]];
    case Type::kFloat32:
    case Type::kFloat64:
      if (parses_as_double(text)) return Type::kFloat64;
      [[fallthrough]];
    case Type::kDate:
      if (parse_value(text, Type::kDate)) return Type::kDate;
      [[fallthrough]];
    case Type::kTimestamp:
      if (parse_value(text, Type::kTimestamp)) return Type::kTimestamp;
      [[fallthrough]];
    case Type::kBool:
      if (parse_value(text, Type::kBool)) return Type::kBool;
      [[fallthrough]];
    case Type::kString:
      return Type::kString;
  }
  return Type::kString;
}

std::optional<Type> merge_types(std::optional<Type> a, std::optional<Type> b) {
  if (!a) return b;
  if (!b || *a == *b) return a;
  if (inferred_numeric(*a) && inferred_numeric(*b)) return rank_of(*a) > rank_of(*b) ? a : b;
  if ((*a == Type::kDate && *b == Type::kTimestamp) || (*a == Type::kTimestamp && *b == Type::kDate)) {
    return Type::kTimestamp;
  }
  return Type::kString;
}

void InferState::add(std::size_t column, std::string_view text) {
  if (column >= types_.size()) return;  // an extra field: dropped, as the reader drops it
  const char now = types_[column];
  if (now == static_cast<char>(Type::kString)) return;  // string takes anything
  const std::optional<Type> so_far = type(column);
  const Type field = infer_field(so_far, text);
  if (field == so_far) return;  // the common case: no change
  types_[column] = static_cast<char>(*merge_types(so_far, field));
}

void InferState::merge(const InferState& other) {
  if (types_.size() < other.types_.size()) types_.resize(other.types_.size(), kNone);
  for (std::size_t i = 0; i < other.types_.size(); ++i) {
    const auto merged = merge_types(type(i), other.type(i));
    types_[i] = merged ? static_cast<char>(*merged) : kNone;
  }
}

std::optional<Type> InferState::type(std::size_t column) const {
  if (column >= types_.size() || types_[column] == kNone) return std::nullopt;
  return static_cast<Type>(static_cast<unsigned char>(types_[column]));
}

}  // namespace dataflow::frame::csv
