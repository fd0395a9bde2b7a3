// Values as Spark's show() prints them (ToPrettyString): doubles and floats by Java's
// Double.toString / Float.toString rules, dates yyyy-MM-dd, timestamps yyyy-MM-dd HH:mm:ss
// with the fraction's trailing zeros trimmed, nulls as NULL.
#pragma once

#include <cstdint>
#include <string>

namespace dataflow::frame {

inline constexpr const char* kNullText = "NULL";

// Java's Double.toString: the shortest digits that read back as `d`; plain decimal with at
// least one fraction digit for 1e-3 <= |d| < 1e7 ("1.0", "0.001", "1234567.5"), else
// computerized scientific notation ("1.0E7", "1.2345E-5"); "NaN", "Infinity", "-0.0".
std::string java_double(double d);
// Java's Float.toString: the same layout with float's shortest digits.
std::string java_float(float f);

// `days` since 1970-01-01 as yyyy-MM-dd (proleptic Gregorian, as Spark).
std::string date_text(std::int32_t days);
// `micros` since the epoch, UTC, as yyyy-MM-dd HH:mm:ss[.ffffff] with trailing zeros of the
// fraction trimmed (Spark's timestamp display).
std::string timestamp_text(std::int64_t micros);

}  // namespace dataflow::frame
