// Text to a column type's value, as Spark's CSV reader and casts parse it: integers that fit,
// doubles by from_chars, booleans true/false in any case, dates yyyy-MM-dd, timestamps
// yyyy-MM-dd[ T]HH:mm:ss[.ffffff][Z]. None when the text is not such a value.
#pragma once

#include <optional>
#include <string_view>

#include "dataflow/column.hpp"

namespace dataflow::frame {

std::optional<Value> parse_value(std::string_view text, Type type);
// Days since 1970-01-01 of a civil date (no check of the day's range).
std::int32_t days_from_civil(std::int64_t y, unsigned m, unsigned d);

}  // namespace dataflow::frame
