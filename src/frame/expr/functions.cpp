// Scalar functions: a typed loop per function over its argument vectors, SQL's nulls.
#include "frame/expr/functions.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <string>

#include "dataflow/error.hpp"
#include "frame/expr/parse_value.hpp"

namespace dataflow::frame {
namespace {

bool all_valid(const std::vector<Vector>& args, std::uint32_t r) {
  for (const Vector& a : args) {
    if (!a.valid(r)) return false;
  }
  return true;
}

// A numeric cell as a double (abs, round and the like on any number type).
double number(const Vector& v, std::uint32_t r) {
  switch (v.type) {
    case Type::kInt32:
      return v.value<std::int32_t>(r);
    case Type::kInt64:
      return static_cast<double>(v.value<std::int64_t>(r));
    case Type::kFloat32:
      return v.value<float>(r);
    default:
      return v.value<double>(r);
  }
}

// Howard Hinnant's civil_from_days.
void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
}

// Byte offset of the character `n` (UTF-8) of s, or s.size() past the end.
std::size_t char_offset(std::string_view s, std::int64_t n) {
  std::size_t at = 0;
  for (; at < s.size() && n > 0; --n) {
    ++at;
    while (at < s.size() && (static_cast<unsigned char>(s[at]) & 0xC0) == 0x80) ++at;
  }
  return at;
}

std::int64_t char_count(std::string_view s) {
  std::int64_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// Spark's UTF8String.substringSQL.
std::string_view substring_sql(std::string_view s, std::int64_t pos, std::int64_t len) {
  const std::int64_t chars = char_count(s);
  std::int64_t start = pos > 0 ? pos - 1 : pos < 0 ? chars + pos : 0;
  const std::int64_t end = len < 0 ? start : start + len;
  start = std::max<std::int64_t>(start, 0);
  if (start >= end) return {};
  const std::size_t from = char_offset(s, start), to = char_offset(s, std::min(end, chars));
  return s.substr(from, to - from);
}

template <class Pred>
Vector string_predicate(const std::vector<Vector>& args, std::uint32_t rows, Pred pred) {
  VectorBuilder out(Type::kBool);
  for (std::uint32_t r = 0; r < rows; ++r) {
    if (!all_valid(args, r)) {
      out.append_null();
    } else {
      out.append_bool(pred(args[0].string(r), args[1].string(r)));
    }
  }
  return out.finish();
}

Vector in_list(const std::vector<Vector>& args, std::uint32_t rows) {
  VectorBuilder out(Type::kBool);
  for (std::uint32_t r = 0; r < rows; ++r) {
    if (!args[0].valid(r)) {
      out.append_null();
      continue;
    }
    bool found = false, saw_null = false;
    for (std::size_t i = 1; i < args.size() && !found; ++i) {
      if (!args[i].valid(r)) {
        saw_null = true;
      } else {
        found = equal_cells(args[0], r, args[i], r);
      }
    }
    if (!found && saw_null) {
      out.append_null();
    } else {
      out.append_bool(found);
    }
  }
  return out.finish();
}

Vector case_when(const BoundExpr& e, const std::vector<Vector>& args, std::uint32_t rows) {
  VectorBuilder out(e.type);
  const bool has_else = args.size() % 2 == 1;
  for (std::uint32_t r = 0; r < rows; ++r) {
    std::size_t i = 0;
    for (; i + 1 < args.size(); i += 2) {
      if (args[i].valid(r) && args[i].value<std::uint8_t>(r) != 0) break;
    }
    if (i + 1 < args.size()) {
      append_cell(out, args[i + 1], r);
    } else if (has_else) {
      append_cell(out, args.back(), r);
    } else {
      out.append_null();
    }
  }
  return out.finish();
}

Vector coalesce(const BoundExpr& e, const std::vector<Vector>& args, std::uint32_t rows) {
  VectorBuilder out(e.type);
  for (std::uint32_t r = 0; r < rows; ++r) {
    std::size_t i = 0;
    while (i + 1 < args.size() && !args[i].valid(r)) ++i;
    append_cell(out, args[i], r);
  }
  return out.finish();
}

// An integer rounded HALF_UP to 10^-scale (scale < 0).
std::int64_t round_integer(std::int64_t x, int scale) {
  if (-scale > 18) return 0;
  std::int64_t unit = 1;
  for (int i = 0; i < -scale; ++i) unit *= 10;
  const std::int64_t q = x / unit, rem = x % unit, half = (unit + 1) / 2;
  return q * unit + (rem >= half ? unit : rem <= -half ? -unit : 0);
}

std::int64_t to_long(double y) {  // Spark's double to long: saturating, NaN as 0
  if (std::isnan(y)) return 0;
  if (y >= 9.2233720368547758e18) return INT64_MAX;
  if (y <= -9.2233720368547758e18) return INT64_MIN;
  return static_cast<std::int64_t>(y);
}

// abs and round keep the argument's type; FLOOR and CEIL give a long.
Vector numeric_function(const BoundExpr& e, const std::vector<Vector>& args, std::uint32_t rows) {
  const Vector& a = args[0];
  const bool round = e.op == "round";
  const int scale = round && args[1].valid(0) ? args[1].value<std::int32_t>(0) : 0;
  VectorBuilder out(e.type);
  for (std::uint32_t r = 0; r < rows; ++r) {
    if (!a.valid(r) || (round && !args[1].valid(r))) {
      out.append_null();
      continue;
    }
    if (a.type == Type::kInt32 || a.type == Type::kInt64) {
      std::int64_t x = a.type == Type::kInt32 ? a.value<std::int32_t>(r) : a.value<std::int64_t>(r);
      if (e.op == "abs") {
        if ((a.type == Type::kInt64 && x == INT64_MIN) || (a.type == Type::kInt32 && x == INT32_MIN)) {
          throw Error(ExitCode::kDataError, "integer overflow in " + e.name);
        }
        x = x < 0 ? -x : x;
      } else if (round && scale < 0) {
        x = round_integer(x, scale);
      }
      if (e.type == Type::kInt32) {
        out.append_int32(static_cast<std::int32_t>(x));
      } else {
        out.append_int64(x);
      }
      continue;
    }
    const double x = number(a, r);
    if (e.op == "FLOOR" || e.op == "CEIL") {
      out.append_int64(to_long(e.op == "FLOOR" ? std::floor(x) : std::ceil(x)));
      continue;
    }
    const double y = round ? round_half_up(x, scale) : std::fabs(x);
    if (e.type == Type::kFloat32) {
      out.append_float32(static_cast<float>(y));
    } else {
      out.append_float64(y);
    }
  }
  return out.finish();
}

// A function of non-null arguments: f(out, row) appends the row's value.
template <class F>
Vector row_function(Type type, const std::vector<Vector>& args, std::uint32_t rows, F f) {
  VectorBuilder out(type);
  for (std::uint32_t r = 0; r < rows; ++r) {
    if (!all_valid(args, r)) {
      out.append_null();
    } else {
      f(out, r);
    }
  }
  return out.finish();
}

Vector date_part(const BoundExpr& e, const Vector& a, std::uint32_t rows) {
  VectorBuilder out(Type::kInt32);
  const int part = e.op == "year" ? 0 : e.op == "month" ? 1 : 2;
  for (std::uint32_t r = 0; r < rows; ++r) {
    if (!a.valid(r)) {
      out.append_null();
      continue;
    }
    std::int64_t y = 0;
    unsigned m = 0, d = 0;
    civil_from_days(a.value<std::int32_t>(r), y, m, d);
    out.append_int32(part == 0 ? static_cast<std::int32_t>(y) : static_cast<std::int32_t>(part == 1 ? m : d));
  }
  return out.finish();
}

std::string change_case(std::string_view in, bool up) {
  std::string s(in);
  for (char& c : s) {
    if (up && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (!up && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

}  // namespace

double round_half_up(double x, int scale) {
  if (!std::isfinite(x)) return x;
  char buf[512];
  const auto res = std::to_chars(buf, buf + sizeof buf, std::fabs(x), std::chars_format::fixed);
  const std::string text(buf, res.ptr);
  const std::size_t dot = text.find('.');
  std::string digits = dot == std::string::npos ? text : text.substr(0, dot) + text.substr(dot + 1);
  const auto point = static_cast<std::int64_t>(dot == std::string::npos ? text.size() : dot);
  const std::int64_t cut = point + scale;  // digits kept
  if (cut >= static_cast<std::int64_t>(digits.size())) return x;
  if (cut < 0) return std::signbit(x) ? -0.0 : 0.0;
  const bool up = digits[static_cast<std::size_t>(cut)] >= '5';
  digits.resize(static_cast<std::size_t>(cut));
  std::int64_t int_digits = point;
  if (up) {
    std::int64_t i = cut - 1;
    for (; i >= 0 && digits[static_cast<std::size_t>(i)] == '9'; --i) digits[static_cast<std::size_t>(i)] = '0';
    if (i >= 0) {
      ++digits[static_cast<std::size_t>(i)];
    } else {
      digits.insert(digits.begin(), '1');
      ++int_digits;
    }
  }
  std::string out;
  const auto have = static_cast<std::int64_t>(digits.size());
  if (int_digits <= 0) {
    out = "0";
  } else if (have >= int_digits) {
    out = digits.substr(0, static_cast<std::size_t>(int_digits));
  } else {
    out = digits + std::string(static_cast<std::size_t>(int_digits - have), '0');
  }
  if (have > int_digits) out += "." + digits.substr(static_cast<std::size_t>(std::max<std::int64_t>(int_digits, 0)));
  double y = 0;
  std::from_chars(out.data(), out.data() + out.size(), y);
  return std::signbit(x) ? -y : y;
}

std::optional<std::int32_t> parse_date(std::string_view text, std::string_view pattern) {
  std::int64_t y = -1, m = -1, d = -1;
  std::size_t at = 0, p = 0;
  while (p < pattern.size()) {
    const char c = pattern[p];
    std::size_t run = 1;
    while (p + run < pattern.size() && pattern[p + run] == c) ++run;
    if (c == 'y' || c == 'M' || c == 'd') {
      // `run` digits, or for a single letter 1-2 digits (Spark's M and d), 1-4 for y.
      const std::size_t max_digits = run == 1 ? (c == 'y' ? 4 : 2) : run;
      std::size_t n = 0;
      std::int64_t v = 0;
      while (n < max_digits && at + n < text.size() && text[at + n] >= '0' && text[at + n] <= '9') {
        v = v * 10 + (text[at + n] - '0');
        ++n;
      }
      if (n == 0 || (run > 1 && n != run)) return std::nullopt;
      at += n;
      (c == 'y' ? y : c == 'M' ? m : d) = v;
    } else {
      for (std::size_t i = 0; i < run; ++i) {
        if (at >= text.size() || text[at] != c) return std::nullopt;
        ++at;
      }
    }
    p += run;
  }
  if (at != text.size() || y < 0) return std::nullopt;
  if (m < 0) m = 1;
  if (d < 0) d = 1;
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (m < 1 || m > 12 || d < 1 || d > kDays[m - 1] || (m == 2 && d == 29 && !leap)) return std::nullopt;
  return days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
}

Vector evaluate_function(const BoundExpr& e, const std::vector<Vector>& args, std::uint32_t rows) {
  const std::string& f = e.op;
  if (f == "in") return in_list(args, rows);
  if (f == "when") return case_when(e, args, rows);
  if (f == "coalesce") return coalesce(e, args, rows);
  if (f == "startswith") return string_predicate(args, rows, [](auto s, auto p) { return s.starts_with(p); });
  if (f == "endswith") return string_predicate(args, rows, [](auto s, auto p) { return s.ends_with(p); });
  if (f == "contains") {
    return string_predicate(args, rows, [](auto s, auto p) { return s.find(p) != std::string_view::npos; });
  }
  if (f == "abs" || f == "round" || f == "FLOOR" || f == "CEIL") return numeric_function(e, args, rows);
  if (f == "SQRT") {
    return row_function(Type::kFloat64, args, rows, [&](VectorBuilder& out, std::uint32_t r) {
      out.append_float64(std::sqrt(args[0].value<double>(r)));  // NaN for a negative, as Spark
    });
  }
  if (f == "upper" || f == "lower") {
    return row_function(Type::kString, args, rows, [&](VectorBuilder& out, std::uint32_t r) {
      out.append_string(change_case(args[0].string(r), f == "upper"));
    });
  }
  if (f == "length") {
    return row_function(Type::kInt32, args, rows, [&](VectorBuilder& out, std::uint32_t r) {
      out.append_int32(static_cast<std::int32_t>(char_count(args[0].string(r))));
    });
  }
  if (f == "substring") {
    return row_function(Type::kString, args, rows, [&](VectorBuilder& out, std::uint32_t r) {
      out.append_string(
          substring_sql(args[0].string(r), args[1].value<std::int32_t>(r), args[2].value<std::int32_t>(r)));
    });
  }
  if (f == "concat") {
    return row_function(Type::kString, args, rows, [&](VectorBuilder& out, std::uint32_t r) {
      std::string s;
      for (const Vector& a : args) s += a.string(r);
      out.append_string(s);
    });
  }
  if (f == "year" || f == "month" || f == "dayofmonth") return date_part(e, args[0], rows);
  if (f == "to_date") {
    if (args.size() == 1) return args[0];  // bind cast the argument to a date
    return row_function(Type::kDate, args, rows, [&](VectorBuilder& out, std::uint32_t r) {
      const auto days = parse_date(args[0].string(r), args[1].string(r));
      if (days) {
        out.append_int32(*days);
      } else {
        out.append_null();
      }
    });
  }
  throw Error(ExitCode::kSoftware, "cannot evaluate " + e.name);
}

}  // namespace dataflow::frame
