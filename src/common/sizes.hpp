// Byte sizes with K, M, G suffixes (powers of 1024), as in --split-size 64M.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace dataflow::common {

// The size, or nullopt if `text` is not a positive whole number with an optional suffix.
std::optional<std::uint64_t> parse_size(std::string_view text);

}  // namespace dataflow::common
