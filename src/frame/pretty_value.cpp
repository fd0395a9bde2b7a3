// Java's number layout from the shortest round-trip digits of std::to_chars.
#include "frame/pretty_value.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <string_view>
#include <system_error>

namespace dataflow::frame {
namespace {

// The shortest digits of |x| (no dot) and the decimal exponent of the first digit; with
// `two`, the two significant digits nearest to x instead (Java prints at least one digit
// after the point: Double.MIN_VALUE is 4.9E-324, not 5.0E-324).
template <class T>
void shortest_digits(T x, std::string& digits, int& exponent, bool two = false) {
  char buf[64];
  const auto [end, ec] = two ? std::to_chars(buf, buf + sizeof buf, x, std::chars_format::scientific, 1)
                             : std::to_chars(buf, buf + sizeof buf, x, std::chars_format::scientific);
  const std::string_view s(buf, ec == std::errc() ? static_cast<std::size_t>(end - buf) : 0);
  const auto e = s.find('e');
  digits.clear();
  for (char c : s.substr(0, e)) {
    if (c >= '0' && c <= '9') digits += c;
  }
  exponent = 0;
  const std::string_view exp = s.substr(e + 1);
  std::from_chars(exp.data() + (exp.front() == '+' ? 1 : 0), exp.data() + exp.size(), exponent);
}

template <class T>
std::string java_number(T x) {
  if (std::isnan(x)) return "NaN";
  if (std::isinf(x)) return x < 0 ? "-Infinity" : "Infinity";
  const std::string sign = std::signbit(x) ? "-" : "";
  if (x == 0) return sign + "0.0";
  std::string d;
  int e = 0;
  shortest_digits(std::fabs(x), d, e);
  const T a = std::fabs(x);
  if (a >= static_cast<T>(1e-3) && a < static_cast<T>(1e7)) {
    if (e < 0) return sign + "0." + std::string(static_cast<std::size_t>(-e - 1), '0') + d;
    const auto whole = static_cast<std::size_t>(e) + 1;
    if (d.size() <= whole) return sign + d + std::string(whole - d.size(), '0') + ".0";
    return sign + d.substr(0, whole) + "." + d.substr(whole);
  }
  if (d.size() == 1) shortest_digits(a, d, e, true);
  return sign + d.substr(0, 1) + "." + d.substr(1) + "E" + std::to_string(e);
}

// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
void civil(std::int64_t days, std::int64_t& y, unsigned& m, unsigned& d) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
}

std::string ymd(std::int64_t days) {
  std::int64_t y = 0;
  unsigned m = 0, d = 0;
  civil(days, y, m, d);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
  return buf;
}

}  // namespace

std::string java_double(double d) { return java_number(d); }
std::string java_float(float f) { return java_number(f); }

std::string date_text(std::int32_t days) { return ymd(days); }

std::string timestamp_text(std::int64_t micros) {
  constexpr std::int64_t kDay = 86400LL * 1000000;
  std::int64_t days = micros / kDay, rest = micros % kDay;
  if (rest < 0) {
    rest += kDay;
    --days;
  }
  const std::int64_t seconds = rest / 1000000, fraction = rest % 1000000;
  char buf[48];
  std::snprintf(buf, sizeof buf, " %02lld:%02lld:%02lld", static_cast<long long>(seconds / 3600),
                static_cast<long long>(seconds / 60 % 60), static_cast<long long>(seconds % 60));
  std::string out = ymd(days) + buf;
  if (fraction != 0) {
    std::snprintf(buf, sizeof buf, ".%06lld", static_cast<long long>(fraction));
    std::string f = buf;
    while (f.back() == '0') f.pop_back();
    out += f;
  }
  return out;
}

}  // namespace dataflow::frame
