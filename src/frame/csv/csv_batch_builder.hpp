// CsvBatchBuilder: records' fields converted to a schema's types and appended to one column
// batch, with Spark's handling of malformed records (PERMISSIVE, DROPMALFORMED, FAILFAST).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dataflow/schema.hpp"
#include "frame/csv/csv_options.hpp"
#include "frame/csv/csv_parse.hpp"
#include "frame/vector/record_batch.hpp"

namespace dataflow::frame::csv {

// A field is null when it is unquoted and empty or equal to options.null_value; a quoted
// field is a value ("" an empty string).
bool is_null_field(const CsvField& f, const CsvOptions& options);

class CsvBatchBuilder {
 public:
  CsvBatchBuilder(const Schema& schema, const CsvOptions& options);

  // Adds the record's row. A malformed record (an unclosed quote, another number of fields
  // than columns, a field that is not of its column's type) is kept with nulls (PERMISSIVE:
  // missing and unparsable fields null, extra ones dropped), dropped, or Error(kDataError)
  // saying why (FAILFAST; the caller names the record's origin). The row is all or nothing.
  void add(const std::vector<CsvField>& fields, bool unclosed_quote);
  std::uint32_t rows() const { return rows_; }
  bool full() const { return rows_ >= kBatchRows; }
  // The rows added since the last call, encoded (encode_batch); none left after.
  std::string finish();

 private:
  struct Cell {
    bool null = true;
    std::int64_t i = 0;
    double d = 0;
    std::string_view s;
  };
  bool convert(std::size_t column, const CsvField& field, Cell& cell) const;

  const Schema& schema_;
  const CsvOptions& options_;
  std::vector<VectorBuilder> builders_;
  std::vector<Cell> cells_;
  std::uint32_t rows_ = 0;
};

}  // namespace dataflow::frame::csv
