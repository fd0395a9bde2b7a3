// Rows as bytes, for records that carry one row or one group key through a shuffle (group
// keys, sorted rows), and BatchWriter, which gathers rows back into batches of up to
// kBatchRows. A cell is a tag (0 null, 1 value) then its fixed-width bytes, or for a string a
// u32 length and the characters; the types come from the schema, as for batches.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "frame/vector/record_batch.hpp"

namespace dataflow::frame {

// Appends each row's cell of `v` to rows[r] (rows.size() >= v.size). With `normalize`,
// -0.0 is written as 0.0 and every NaN alike, so that equal keys have equal bytes (Spark
// groups them together).
void append_cells(const Vector& v, std::vector<std::string>& rows, bool normalize);
// Reads one cell at `at` (advancing it) into `out`, of out's type. Error(kSoftware) on bytes
// that are not a cell.
void read_cell(std::string_view bytes, std::size_t& at, VectorBuilder& out);

// Rows appended a cell per column, then row_done(); encoded batches of up to kBatchRows rows
// (never an empty one) come out as they fill and at finish().
class BatchWriter {
 public:
  explicit BatchWriter(const Schema& schema);
  VectorBuilder& column(std::size_t i) { return builders_[i]; }
  void row_done();
  std::vector<std::string> finish();

 private:
  void flush();

  std::vector<Type> types_;
  std::vector<VectorBuilder> builders_;
  std::uint32_t rows_ = 0;
  std::vector<std::string> batches_;
};

}  // namespace dataflow::frame
