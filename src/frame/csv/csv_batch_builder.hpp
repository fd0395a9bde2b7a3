// CsvBatchBuilder: records' fields converted to a schema's types and appended to one column
// batch, with Spark's handling of malformed records (PERMISSIVE, DROPMALFORMED, FAILFAST).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dataflow/schema.hpp"
#include "frame/csv/csv_options.hpp"
#include "frame/csv/csv_parse.hpp"
#include "frame/expr/bound_expr.hpp"
#include "frame/vector/record_batch.hpp"

namespace dataflow::frame::csv {

// A field is null when it is unquoted and empty or equal to options.null_value; a quoted
// field is a value ("" an empty string).
inline bool is_null_field(const CsvField& f, const CsvOptions& options) {
  return !f.quoted && (f.text.empty() || f.text == options.null_value);
}

class CsvBatchBuilder {
 public:
  // Rows of `schema` (the file's columns), or with `columns` of only those columns (indices
  // into `schema`, in the batch's order): the others are not converted, nor checked, as
  // Spark's CSV column pruning (a record's number of fields is still checked). With
  // `filter` (a boolean expression over `schema`'s columns, kept by the caller), only the
  // rows where it is true: the columns it reads are converted as records are added and, in
  // PERMISSIVE mode, the others at finish() for the rows that pass (late materialization;
  // in the other modes a bad field must drop or fail its record, so all are converted).
  CsvBatchBuilder(const Schema& schema, const CsvOptions& options, std::vector<std::size_t> columns = {},
                  const BoundExpr* filter = nullptr);

  // Adds the record's row. A malformed record (an unclosed quote, another number of fields
  // than columns, a field that is not of its column's type) is kept with nulls (PERMISSIVE:
  // missing and unparsable fields null, extra ones dropped), dropped, or Error(kDataError)
  // saying why (FAILFAST; the caller names the record's origin). The row is all or nothing.
  void add(const std::vector<CsvField>& fields, bool unclosed_quote);
  std::uint32_t rows() const { return rows_; }
  bool full() const { return rows_ >= kBatchRows; }
  // The rows added since the last call (those that pass the filter), encoded (encode_batch);
  // none left after. The bytes live in the builder until the next call (emitted by
  // reference, so no batch allocates).
  const std::string& finish();
  // How many rows the last finish() encoded (0: emit nothing, a frame has no empty batch).
  std::uint32_t finished_rows() const { return finished_rows_; }

 private:
  // Writes the field's value into row rows_ of column c; false (nothing written) when it is
  // not a value of the column's type.
  bool store(std::size_t c, std::string_view text);
  void store_null(std::size_t c);
  // Drops what the record being added wrote (row rows_ of every column).
  void unwind();
  // Every column ready for a batch of up to kBatchRows rows, keeping its buffers' capacity.
  void reset_columns();
  // Room for `rows` rows in every column (a caller that adds past full() before finish()).
  void make_room(std::uint32_t rows);

  // A column converted only for the rows that pass the filter: its fields' text one after
  // another (row r's ends at ends[r]), and whether each row has a value.
  struct LateColumn {
    std::size_t column = 0;  // the file's
    std::string text;
    std::vector<std::uint32_t> ends;
    std::vector<std::uint8_t> present;
  };
  // Seals batch_ (sizes, validity) and encodes the rows that pass the filter.
  void finish_filtered();
  Vector convert_late(const LateColumn& late, const std::vector<std::uint32_t>& rows) const;

  const Schema& schema_;
  const CsvOptions& options_;
  std::vector<std::size_t> columns_;  // the file's column of each batch_ column (converted as added)
  std::vector<std::size_t> outputs_;  // the file's column of each output column
  std::vector<std::ptrdiff_t> from_;  // per output column: its batch_ column, or -1 - its late_ column
  std::optional<BoundExpr> filter_;   // over batch_'s columns
  std::vector<LateColumn> late_;
  std::uint32_t finished_rows_ = 0;
  // The batch being built, written in place: fixed-width data sized for room_ rows (a
  // null's slot zero), strings appended with their offsets, validity bits for every row
  // (trimmed, or dropped when all are set, at finish()). Its buffers are reused.
  RecordBatch batch_;
  std::vector<std::size_t> widths_;
  std::string encoded_;
  std::uint32_t rows_ = 0;
  std::uint32_t room_ = 0;  // rows the columns have room for
};

}  // namespace dataflow::frame::csv
