// parse_value: from_chars for numbers, fixed layouts for dates and timestamps.
#include "frame/expr/parse_value.hpp"

#include <cctype>
#include <charconv>
#include <cstdint>
#include <string>

namespace dataflow::frame {
namespace {

template <class T>
std::optional<T> number(std::string_view s) {
  T v{};
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

bool digits(std::string_view s, std::size_t at, std::size_t n, unsigned& out) {
  if (at + n > s.size()) return false;
  out = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    out = out * 10 + static_cast<unsigned>(s[i] - '0');
  }
  return true;
}

unsigned days_in_month(std::int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

// yyyy-MM-dd at the start of `s`; the days, or none.
std::optional<std::int32_t> date_prefix(std::string_view s) {
  unsigned y = 0, m = 0, d = 0;
  if (!digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, m) || s[7] != '-' ||
      !digits(s, 8, 2, d) || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) {
    return std::nullopt;
  }
  return days_from_civil(y, m, d);
}

std::optional<std::int64_t> timestamp(std::string_view s) {
  const auto day = date_prefix(s);
  if (!day) return std::nullopt;
  std::int64_t micros = static_cast<std::int64_t>(*day) * 86400 * 1000000;
  if (s.size() == 10) return micros;
  unsigned h = 0, mi = 0, se = 0;
  if ((s[10] != ' ' && s[10] != 'T') || !digits(s, 11, 2, h) || s.size() < 19 || s[13] != ':' ||
      !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, se) || h > 23 || mi > 59 || se > 59) {
    return std::nullopt;
  }
  micros += (static_cast<std::int64_t>(h) * 3600 + mi * 60 + se) * 1000000;
  std::size_t at = 19;
  if (at < s.size() && s[at] == '.') {
    std::int64_t fraction = 0, scale = 100000;
    for (++at; at < s.size() && std::isdigit(static_cast<unsigned char>(s[at])); ++at, scale /= 10) {
      if (scale > 0) fraction += (s[at] - '0') * scale;
    }
    micros += fraction;
  }
  if (at < s.size() && s[at] == 'Z') ++at;
  return at == s.size() ? std::optional<std::int64_t>(micros) : std::nullopt;
}

bool same_word(std::string_view s, std::string_view word) {
  if (s.size() != word.size()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != word[i]) return false;
  }
  return true;
}

}  // namespace

std::int32_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<std::int32_t>(era * 146097 + static_cast<std::int64_t>(doe) - 719468);
}

std::optional<Value> parse_value(std::string_view text, Type type) {
  switch (type) {
    case Type::kBool:
      if (same_word(text, "true")) return Value(true);
      if (same_word(text, "false")) return Value(false);
      return std::nullopt;
    case Type::kInt32:
      if (auto v = number<std::int32_t>(text)) return Value(*v);
      return std::nullopt;
    case Type::kInt64:
      if (auto v = number<std::int64_t>(text)) return Value(*v);
      return std::nullopt;
    case Type::kFloat32:
      if (auto v = number<float>(text)) return Value(*v);
      return std::nullopt;
    case Type::kFloat64:
      if (auto v = number<double>(text)) return Value(*v);
      return std::nullopt;
    case Type::kString:
      return Value(std::string(text));
    case Type::kDate:
      if (text.size() != 10) return std::nullopt;
      if (auto d = date_prefix(text)) return Value(Date{*d});
      return std::nullopt;
    case Type::kTimestamp:
      if (auto t = timestamp(text)) return Value(Timestamp{*t});
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace dataflow::frame
