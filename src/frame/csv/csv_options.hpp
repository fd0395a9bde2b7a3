// CSV options with PySpark's names (header, inferSchema, sep, quote, escape, nullValue, mode,
// multiLine), parsed from DataFrameReader's and DataFrameWriter's key/value pairs, and Spark's
// DDL schema strings ("a INT, b STRING").
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dataflow/schema.hpp"

namespace dataflow::frame::csv {

// What a malformed record does (Spark's `mode`).
enum class ParseMode {
  kPermissive,     // unparsable fields null, missing fields null, extra fields dropped
  kDropMalformed,  // the record is dropped
  kFailFast,       // Error(kDataError) naming the record's file and offset
};

struct CsvOptions {
  bool header = false;
  bool infer_schema = false;
  bool multi_line = false;
  char sep = ',';
  char quote = '"';
  char escape = '"';  // RFC 4180: a quote inside a quoted field is doubled
  std::string null_value;
  ParseMode mode = ParseMode::kPermissive;
};

// Keys lower-cased, values as given (bools as "true"/"false").
using OptionList = std::vector<std::pair<std::string, std::string>>;

// The options of a reader (`for_write` false) or a writer. An unknown key, a bad value or a
// dateFormat/timestampFormat other than the ISO default is Error(kUsage) naming it.
CsvOptions parse_csv_options(const OptionList& options, bool for_write);

// Spark's DDL schema: "name TYPE" pairs separated by commas; names may be `back-quoted`,
// types are Spark's names (parse_type). Error(kUsage) naming the bad part.
Schema parse_ddl_schema(std::string_view ddl);

}  // namespace dataflow::frame::csv
