// CSV text of column batches, as DataFrameWriter writes it: RFC 4180 quoting only where a
// field needs it, a null as an empty (unquoted) field and an empty string as "", so that both
// read back as they were; numbers as show() prints them, dates and timestamps ISO, "\n" ends.
#pragma once

#include <string>
#include <string_view>

#include "dataflow/schema.hpp"
#include "frame/csv/csv_options.hpp"
#include "frame/vector/record_batch.hpp"

namespace dataflow::frame::csv {

// `text` as one field: quoted (quotes inside escaped) when it is empty, equals the null value,
// holds sep, quote, escape, CR or LF, or starts or ends with a space.
void append_csv_field(std::string_view text, const CsvOptions& options, std::string& out);
// The column names as one line.
void append_csv_header(const Schema& schema, const CsvOptions& options, std::string& out);
// The batch's rows, one line each.
void append_csv_rows(const RecordBatch& batch, const Schema& schema, const CsvOptions& options, std::string& out);

}  // namespace dataflow::frame::csv
