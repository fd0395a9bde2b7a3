// Numbers, sizes, times and colours as the page writes them.
#include "report/report_format.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <ctime>

namespace dataflow::report {

void appendf(std::string& out, const char* format, ...) {
  char buffer[512];
  va_list args;
  va_start(args, format);
  const int n = std::vsnprintf(buffer, sizeof buffer, format, args);
  va_end(args);
  if (n > 0) out.append(buffer, std::min(static_cast<std::size_t>(n), sizeof buffer - 1));
}

std::string fmt_bytes(std::uint64_t bytes) {
  static constexpr std::array<const char*, 6> kUnits = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  auto v = static_cast<double>(bytes);
  std::size_t u = 0;
  while (v >= 1024 && u + 1 < kUnits.size()) {
    v /= 1024;
    ++u;
  }
  std::string out;
  if (u == 0) {
    appendf(out, "%llu B", static_cast<unsigned long long>(bytes));
  } else {
    appendf(out, v < 10 ? "%.2f %s" : (v < 100 ? "%.1f %s" : "%.0f %s"), v, kUnits[u]);
  }
  return out;
}

std::string fmt_ms(std::int64_t ms) {
  std::string out;
  if (ms < 0) return "-";
  if (ms < 1000) {
    appendf(out, "%lld ms", static_cast<long long>(ms));
  } else if (ms < 60000) {
    appendf(out, "%.2f s", static_cast<double>(ms) / 1000);
  } else {
    appendf(out, "%lld min %02lld s", static_cast<long long>(ms / 60000), static_cast<long long>(ms / 1000 % 60));
  }
  return out;
}

std::string fmt_count(std::uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string fmt_ratio(double r) {
  if (std::isinf(r)) return "inf";
  std::string out;
  appendf(out, r < 10 ? "%.2f" : "%.1f", r);
  return out;
}

std::string fmt_utc(std::int64_t epoch_ms) {
  if (epoch_ms < 0) return "-";
  const std::time_t t = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char stamp[40];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S UTC", &utc);
  return stamp;
}

std::string_view stage_colour(std::uint32_t stage) {
  // Tableau 10: distinct, readable on white, and calm.
  static constexpr std::array<std::string_view, 10> kPalette = {"#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2",
                                                                "#edc948", "#ff9da7", "#9c755f", "#8cd17d", "#bab0ac"};
  return kPalette[stage % kPalette.size()];
}

}  // namespace dataflow::report
