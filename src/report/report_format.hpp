// Numbers, sizes, times and colours as the page writes them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace dataflow::report {

// printf into `out` (numbers and attributes; never text from the log, which goes through
// append_escaped).
void appendf(std::string& out, const char* format, ...) __attribute__((format(printf, 2, 3)));

std::string fmt_bytes(std::uint64_t bytes);  // "0 B", "812 B", "3.4 KiB", "1.20 GiB"
std::string fmt_ms(std::int64_t ms);         // "812 ms", "3.41 s", "2 min 05 s"; "-" when negative
std::string fmt_count(std::uint64_t n);      // "1,234,567"
std::string fmt_ratio(double r);             // "3.2", "inf"
std::string fmt_utc(std::int64_t epoch_ms);  // "2026-12-07 06:29:50 UTC"

// The colour of a stage's boxes and bars (a ten-colour palette by stage id).
std::string_view stage_colour(std::uint32_t stage);

}  // namespace dataflow::report
