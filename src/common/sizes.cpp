// parse_size: byte sizes with K, M, G suffixes.
#include "dataflow/config.hpp"

#include <cctype>
#include <string>
#include <utility>

namespace dataflow {

std::optional<std::uint64_t> parse_size(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::uint64_t scale = 1;
  switch (std::toupper(static_cast<unsigned char>(text.back()))) {
    case 'K':
      scale = std::uint64_t{1} << 10;
      break;
    case 'M':
      scale = std::uint64_t{1} << 20;
      break;
    case 'G':
      scale = std::uint64_t{1} << 30;
      break;
    default:
      break;
  }
  if (scale != 1) text.remove_suffix(1);
  if (text.empty() || text.size() > 18) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (value == 0 || value > (~std::uint64_t{0}) / scale) return std::nullopt;
  return value * scale;
}

std::string format_size(std::uint64_t bytes) {
  for (auto [shift, unit] : {std::pair{30, "G"}, std::pair{20, "M"}, std::pair{10, "K"}}) {
    const std::uint64_t scale = std::uint64_t{1} << shift;
    if (bytes >= scale && bytes % scale == 0) return std::to_string(bytes / scale) + unit;
  }
  return std::to_string(bytes);
}

}  // namespace dataflow
