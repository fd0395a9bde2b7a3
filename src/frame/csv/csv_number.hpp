// Numbers in CSV fields as Spark reads them: integers with an optional '+', doubles as
// Java's Double.parseDouble (NaN, Infinity; not from_chars' "inf" and "nan"), values that fit
// the type and fill the field. Shared by the batch builder and schema inference.
#pragma once

#include <cctype>
#include <charconv>
#include <cstdint>
#include <limits>
#include <string_view>

namespace dataflow::frame::csv {

// The whole field as a T by from_chars (a leading '+' allowed).
template <class T>
inline bool field_value(std::string_view s, T& v) {
  if (s.size() > 1 && s.front() == '+') s.remove_prefix(1);
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return !s.empty() && ec == std::errc() && end == s.data() + s.size();
}

// [-]digits[.digits] with at most 15 digits, a digit before and after a point ("1." and ".5"
// are left to from_chars): its digits as an integer and how many follow the point. False for
// any other text.
inline bool plain_decimal(std::string_view s, std::uint64_t& mantissa, int& fraction_digits) {
  std::size_t i = !s.empty() && s[0] == '-' ? 1 : 0;
  mantissa = 0;
  int digits = 0, fraction = -1;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c >= '0' && c <= '9') {
      mantissa = mantissa * 10 + static_cast<unsigned>(c - '0');
      if (++digits > 15) return false;
      if (fraction >= 0) ++fraction;
    } else if (c == '.' && fraction < 0) {
      fraction = 0;
    } else {
      return false;
    }
  }
  if (fraction == 0 || digits == 0 || digits == fraction) return false;
  fraction_digits = fraction < 0 ? 0 : fraction;
  return true;
}

// A plain decimal's value: its integer, exact as a double, over an exact power of ten is the
// correctly rounded value, as from_chars gives it (Clinger's fast path).
inline bool plain_decimal(std::string_view s, double& v) {
  static constexpr double kPow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                      1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  std::uint64_t mantissa = 0;
  int fraction = 0;
  if (!plain_decimal(s, mantissa, fraction)) return false;
  const double magnitude = static_cast<double>(mantissa) / kPow10[fraction];
  v = s[0] == '-' ? -magnitude : magnitude;
  return true;
}

inline bool double_value(std::string_view s, double& v) {
  if (plain_decimal(s, v)) return true;
  std::string_view body = s;
  const bool negative = !body.empty() && body.front() == '-';
  if (!body.empty() && (body.front() == '+' || body.front() == '-')) body.remove_prefix(1);
  if (body == "NaN") {
    v = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  if (body == "Infinity") {
    v = negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    return true;
  }
  if (body.empty() || std::isalpha(static_cast<unsigned char>(body.front()))) return false;
  return field_value(s, v);
}

}  // namespace dataflow::frame::csv
