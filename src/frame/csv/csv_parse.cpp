// CsvSplitter: unquoted fields are views into the input; quoted ones are copied into a
// scratch buffer (their quotes undone), and their views fixed once the record is complete.
#include "frame/csv/csv_parse.hpp"

#include <bit>
#include <cstdint>
#include <cstring>

namespace dataflow::frame::csv {

namespace {

// Bit 7 of each byte of `w` that is zero (exactly: no borrow runs into the next byte).
std::uint64_t zero_bytes(std::uint64_t w) {
  constexpr std::uint64_t kLow7 = 0x7F7F7F7F7F7F7F7Full;
  return ~(((w & kLow7) + kLow7) | w | kLow7);
}

}  // namespace

// A line without a quote byte: its fields are the text between separators (escapes act only
// inside quotes). Eight bytes at a time, separators and quotes found by bit tricks; fields
// written by index into `fields` as earlier records sized it. False at a quote byte.
bool CsvSplitter::split_plain(std::string_view text, std::size_t from, std::vector<CsvField>& fields) const {
  if constexpr (std::endian::native != std::endian::little) {
    if (std::memchr(text.data() + from, quote_, text.size() - from) != nullptr) return false;
  }
  constexpr std::uint64_t kOnes = 0x0101010101010101ull;
  const std::uint64_t seps = kOnes * static_cast<unsigned char>(sep_);
  const std::uint64_t quotes = kOnes * static_cast<unsigned char>(quote_);
  const char* const base = text.data() + from;
  const std::size_t n = text.size() - from;
  std::size_t count = 0;
  std::size_t start = 0;
  auto field_to = [&](std::size_t stop) {
    if (count == fields.size()) fields.emplace_back();
    fields[count++] = {std::string_view(base + start, stop - start), false};
    start = stop + 1;
  };
  for (std::size_t i = 0; i < n; i += 8) {
    std::uint64_t w = 0;
    const std::size_t len = n - i < 8 ? n - i : 8;
    if (len == 8) {
      std::memcpy(&w, base + i, 8);  // one load
    } else {
      std::memcpy(&w, base + i, len);
    }
    const std::uint64_t valid = len == 8 ? ~std::uint64_t{0} : (std::uint64_t{1} << (8 * len)) - 1;
    if constexpr (std::endian::native == std::endian::little) {
      if ((zero_bytes(w ^ quotes) & valid) != 0) return false;
      for (std::uint64_t m = zero_bytes(w ^ seps) & valid; m != 0; m &= m - 1) {
        field_to(i + static_cast<std::size_t>(std::countr_zero(m)) / 8);
      }
    } else {
      for (std::size_t k = 0; k < len; ++k) {
        if (base[i + k] == sep_) field_to(i + k);
      }
    }
  }
  field_to(n);
  fields.resize(count);
  return true;
}

ParsedRecord CsvSplitter::split(std::string_view text, std::size_t from, bool multi_line,
                                std::vector<CsvField>& fields) {
  if (!multi_line && split_plain(text, from, fields)) return {text.size(), text.size(), false};
  fields.clear();
  scratch_.clear();
  scratch_fields_.clear();
  scratch_starts_.clear();
  ParsedRecord r;
  const std::size_t n = text.size();
  std::size_t pos = from;
  auto is_break = [&](std::size_t i) { return multi_line && (text[i] == '\n' || text[i] == '\r'); };
  auto finish_record = [&](std::size_t at) {
    r.end = at;
    if (at >= n) {
      r.next = n;
    } else {
      r.next = text[at] == '\r' && at + 1 < n && text[at + 1] == '\n' ? at + 2 : at + 1;
    }
  };
  for (;;) {
    if (pos < n && text[pos] == quote_) {
      // A quoted field: copied into scratch_ without its quotes.
      const std::size_t start = scratch_.size();
      std::size_t i = pos + 1;
      bool closed = false;
      while (i < n) {
        const char c = text[i];
        if (c == escape_ && escape_ != quote_ && i + 1 < n && (text[i + 1] == quote_ || text[i + 1] == escape_)) {
          scratch_.push_back(text[i + 1]);
          i += 2;
        } else if (c == quote_) {
          if (escape_ == quote_ && i + 1 < n && text[i + 1] == quote_) {
            scratch_.push_back(quote_);
            i += 2;
          } else {
            closed = true;
            ++i;
            break;
          }
        } else {
          scratch_.push_back(c);
          ++i;
        }
      }
      // Text between the closing quote and the separator belongs to the field (lenient).
      while (closed && i < n && text[i] != sep_ && !is_break(i)) scratch_.push_back(text[i++]);
      scratch_fields_.push_back(fields.size());
      scratch_starts_.push_back(start);
      fields.push_back({std::string_view(), true});
      if (!closed) r.unclosed_quote = true;
      pos = i;
    } else {
      std::size_t i = pos;
      if (multi_line) {
        while (i < n && text[i] != sep_ && text[i] != '\n' && text[i] != '\r') ++i;
      } else {
        const void* hit = std::memchr(text.data() + pos, sep_, n - pos);
        i = hit ? static_cast<std::size_t>(static_cast<const char*>(hit) - text.data()) : n;
      }
      fields.push_back({text.substr(pos, i - pos), false});
      pos = i;
    }
    if (pos < n && text[pos] == sep_) {
      ++pos;
      continue;
    }
    finish_record(pos);
    break;
  }
  // scratch_ no longer grows: its views are stable now.
  for (std::size_t k = 0; k < scratch_fields_.size(); ++k) {
    const std::size_t end = k + 1 < scratch_starts_.size() ? scratch_starts_[k + 1] : scratch_.size();
    fields[scratch_fields_[k]].text = std::string_view(scratch_).substr(scratch_starts_[k], end - scratch_starts_[k]);
  }
  return r;
}

}  // namespace dataflow::frame::csv
