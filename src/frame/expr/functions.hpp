// Scalar functions on whole vectors (bound by bind(): arguments already of the types each
// function takes): in, when, coalesce, abs, round, FLOOR, CEIL, SQRT, upper, lower, length,
// substring, concat, startswith/endswith/contains, year, month, dayofmonth, to_date.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "frame/expr/bound_expr.hpp"

namespace dataflow::frame {

// e's values for `rows` rows, given its arguments' values.
Vector evaluate_function(const BoundExpr& e, const std::vector<Vector>& args, std::uint32_t rows);

// Spark's ROUND(x, scale) HALF_UP of a double, on its shortest decimal digits (2.5 -> 3,
// -2.5 -> -3, 0.125 at 2 -> 0.13).
double round_half_up(double x, int scale);

// The days since 1970-01-01 of `text` read with a Spark date pattern (yyyy, MM, M, dd, d,
// literal characters); none where it does not match.
std::optional<std::int32_t> parse_date(std::string_view text, std::string_view pattern);

}  // namespace dataflow::frame
