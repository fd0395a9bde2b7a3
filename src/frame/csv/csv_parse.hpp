// The RFC 4180 field splitter: one record's fields as views, quotes removed and doubled
// quotes (or escape + quote) undone. In line mode a record is one line (the text reader has cut
// it); in multi-line mode the splitter also finds where a record ends, so that quoted fields
// may hold line breaks ("\n", "\r\n" or a lone "\r" end a record outside quotes).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace dataflow::frame::csv {

struct CsvField {
  std::string_view text;  // without its quotes
  bool quoted = false;    // "" is an empty string, an empty unquoted field a null
};

struct ParsedRecord {
  std::size_t end = 0;          // where the record's text ends (its line break, or the input's end)
  std::size_t next = 0;         // where the next record starts
  bool unclosed_quote = false;  // the input ended inside a quoted field
};

class CsvSplitter {
 public:
  CsvSplitter(char sep, char quote, char escape) : sep_(sep), quote_(quote), escape_(escape) {}

  // Splits the record that starts at `from` in `text` into `fields` (cleared first). The views
  // point into `text` or into this splitter's scratch, valid until the next call. With
  // `multi_line` false the whole of `text` from `from` is one record. An unclosed quote keeps
  // the rest of the record in the field and sets unclosed_quote. A quote inside an unquoted
  // field is kept as it is; text after a closing quote is appended to the field.
  ParsedRecord split(std::string_view text, std::size_t from, bool multi_line, std::vector<CsvField>& fields);

 private:
  bool split_plain(std::string_view text, std::size_t from, std::vector<CsvField>& fields) const;

  char sep_;
  char quote_;
  char escape_;
  std::string scratch_;
  std::vector<std::size_t> scratch_fields_;  // indexes of fields whose text is in scratch_
  std::vector<std::size_t> scratch_starts_;  // where each of them starts in scratch_
};

// `text` without a UTF-8 byte order mark at its start.
inline std::string_view skip_bom(std::string_view text) {
  return text.substr(0, 3) == "\xEF\xBB\xBF" ? text.substr(3) : text;
}

}  // namespace dataflow::frame::csv
