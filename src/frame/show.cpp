// showString as apache/spark Dataset.scala writes it (3.5/4.0), over UTF-8 text.
#include "frame/show.hpp"

#include <algorithm>
#include <cstdint>

namespace dataflow::frame {
namespace {

// The next code point of `s` at `i` (advancing `i`); a malformed byte is U+FFFD, one byte.
std::uint32_t next_code_point(std::string_view s, std::size_t& i) {
  const auto c = static_cast<unsigned char>(s[i]);
  const int extra = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : -1;
  if (extra == 0) {
    ++i;
    return c;
  }
  bool ok = extra > 0 && i + static_cast<std::size_t>(extra) < s.size();
  std::uint32_t cp = ok ? c & (0x3Fu >> extra) : 0;
  for (int k = 1; ok && k <= extra; ++k) {
    const auto b = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
    ok = (b & 0xC0) == 0x80;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (!ok) {
    ++i;
    return 0xFFFD;
  }
  i += static_cast<std::size_t>(extra) + 1;
  return cp;
}

std::size_t utf16_units(std::uint32_t cp) { return cp > 0xFFFF ? 2 : 1; }

// Spark's fullWidthRegex ranges (Utils.scala).
bool full_width(std::uint32_t cp) {
  static constexpr std::uint32_t kRanges[][2] = {{0x1100, 0x115F}, {0x2E80, 0xA4CF}, {0xAC00, 0xD7A3},
                                                 {0xF900, 0xFAFF}, {0xFE10, 0xFE19}, {0xFE30, 0xFE6F},
                                                 {0xFF00, 0xFF60}, {0xFFE0, 0xFFE6}};
  return std::any_of(std::begin(kRanges), std::end(kRanges), [cp](const auto& r) { return cp >= r[0] && cp <= r[1]; });
}

// The first `units` UTF-16 code units of `s` (a code point that would be split is left out).
std::string_view java_prefix(std::string_view s, std::size_t units) {
  std::size_t i = 0, n = 0;
  while (i < s.size()) {
    std::size_t j = i;
    const std::size_t u = utf16_units(next_code_point(s, j));
    if (n + u > units) break;
    n += u;
    i = j;
  }
  return s.substr(0, i);
}

// getRows' treatment of one cell: escaped, then cut to `truncate`.
std::string cell_text(std::string_view cell, int truncate) {
  std::string s = escape_meta(cell);
  const auto limit = static_cast<std::size_t>(truncate);
  if (truncate <= 0 || java_length(s) <= limit) return s;
  if (truncate < 4) return std::string(java_prefix(s, limit));  // no ellipsis below 4
  return std::string(java_prefix(s, limit - 3)) + "...";
}

void pad(std::string& out, std::size_t n, char c = ' ') { out.append(n, c); }

}  // namespace

std::string escape_meta(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\v':
        out += "\\v";
        break;
      case '\a':
        out += "\\a";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::size_t java_length(std::string_view s) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size();) n += utf16_units(next_code_point(s, i));
  return n;
}

std::size_t half_width(std::string_view s) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size();) {
    const std::uint32_t cp = next_code_point(s, i);
    n += utf16_units(cp) + (full_width(cp) ? 1 : 0);
  }
  return n;
}

std::string show_string(const std::vector<std::string>& names, const std::vector<std::vector<std::string>>& rows, int n,
                        int truncate, bool vertical) {
  n = std::max(n, 0);
  const bool more = rows.size() > static_cast<std::size_t>(n);
  std::vector<std::vector<std::string>> table;  // the header, then at most n rows
  table.emplace_back();
  for (const std::string& name : names) table.back().push_back(escape_meta(name));
  for (std::size_t r = 0; r < rows.size() && r < static_cast<std::size_t>(n); ++r) {
    auto& row = table.emplace_back();
    for (const std::string& cell : rows[r]) row.push_back(cell_text(cell, truncate));
  }
  constexpr std::size_t kMinWidth = 3;
  std::string out;
  if (!vertical) {
    std::vector<std::size_t> widths(names.size(), kMinWidth);
    for (const auto& row : table) {
      for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i)
        widths[i] = std::max(widths[i], half_width(row[i]));
    }
    std::string sep = "+";
    for (std::size_t w : widths) sep += std::string(w, '-') + "+";
    sep += '\n';
    auto line = [&](const std::vector<std::string>& row) {
      out += '|';
      for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) {
        const std::size_t fill = widths[i] - half_width(row[i]);
        if (truncate > 0) pad(out, fill);
        out += row[i];
        if (truncate <= 0) pad(out, fill);
        out += '|';
      }
      out += '\n';
    };
    out += sep;
    line(table.front());
    out += sep;
    for (std::size_t r = 1; r < table.size(); ++r) line(table[r]);
    out += sep;
  } else {
    std::size_t name_width = kMinWidth, data_width = kMinWidth;
    for (const std::string& name : table.front()) name_width = std::max(name_width, half_width(name));
    for (std::size_t r = 1; r < table.size(); ++r) {
      for (const std::string& cell : table[r]) data_width = std::max(data_width, half_width(cell));
    }
    for (std::size_t r = 1; r < table.size(); ++r) {
      std::string header = "-RECORD " + std::to_string(r - 1);
      pad(header, name_width + data_width + 5 > header.size() ? name_width + data_width + 5 - header.size() : 0, '-');
      out += header + '\n';
      for (std::size_t j = 0; j < table[r].size() && j < names.size(); ++j) {
        const std::string& name = table.front()[j];
        const std::string& cell = table[r][j];
        out += ' ' + name;
        pad(out, name_width - half_width(name));
        out += " | " + cell;
        pad(out, data_width - half_width(cell));
        out += " \n";
      }
    }
  }
  if (vertical && table.size() == 1) {
    out += "(0 rows)\n";
  } else if (more) {
    out += "only showing top " + std::to_string(n) + (n == 1 ? " row\n" : " rows\n");
  }
  return out;
}

}  // namespace dataflow::frame
