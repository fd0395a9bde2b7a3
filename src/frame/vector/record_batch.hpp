// Columnar batches: the unit a DataFrame's operators pass (DESIGN: DATAFRAME.md A.4). A
// Vector is one column of up to kBatchRows rows, fixed-width values or strings (offsets and
// bytes, Arrow's layout), with a validity bitmap (bit i of byte i / 8, least significant
// first; empty when every row is valid). A RecordBatch is the columns of one schema.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "dataflow/column.hpp"
#include "dataflow/schema.hpp"

namespace dataflow::frame {

inline constexpr std::uint32_t kBatchRows = 2048;  // DuckDB's vector size

// Bytes per value of a fixed-width type (0 for strings).
std::size_t value_width(Type t);

struct Vector {
  Type type = Type::kInt64;
  std::uint32_t size = 0;
  std::string data;                    // fixed width: size * value_width(type); strings: the characters
  std::vector<std::uint32_t> offsets;  // strings: size + 1 offsets into data
  std::string validity;                // empty (all valid), or (size + 7) / 8 bytes

  bool valid(std::uint32_t i) const {
    return validity.empty() || (static_cast<unsigned char>(validity[i / 8]) >> (i % 8) & 1) != 0;
  }
  template <class T>
  T value(std::uint32_t i) const {
    T v;
    std::memcpy(&v, data.data() + static_cast<std::size_t>(i) * sizeof(T), sizeof(T));
    return v;
  }
  std::string_view string(std::uint32_t i) const {
    return std::string_view(data).substr(offsets[i], offsets[i + 1] - offsets[i]);
  }
};

struct RecordBatch {
  std::uint32_t rows = 0;
  std::vector<Vector> columns;
};

// Appends values to one Vector; nulls set the validity bitmap only when the first one comes.
class VectorBuilder {
 public:
  explicit VectorBuilder(Type type);
  void append_null();
  void append_bool(bool v) { append_fixed(static_cast<std::uint8_t>(v ? 1 : 0)); }
  void append_int32(std::int32_t v) { append_fixed(v); }  // also kDate
  void append_int64(std::int64_t v) { append_fixed(v); }  // also kTimestamp
  void append_float32(float v) { append_fixed(v); }
  void append_float64(double v) { append_fixed(v); }
  void append_string(std::string_view v);
  // A value of the builder's type (as a Value of that type), or Null.
  void append_value(const Value& v);
  std::uint32_t size() const { return v_.size; }
  Type type() const { return v_.type; }
  Vector finish();

 private:
  template <class T>
  void append_fixed(T v) {
    v_.data.append(reinterpret_cast<const char*>(&v), sizeof v);
    mark_valid();
  }
  void mark_valid();

  Vector v_;
  bool any_null_ = false;
};

// The batch as bytes and back (shuffle records, collect results, cache blocks, spill runs):
// [u32 rows][u32 columns], then per column [u8 type][u8 has validity][validity][u64 data
// size][data][offsets for strings]. The schema is not written: every rank knows it. Throws
// Error(kSoftware) on bytes that are not a batch of `schema`.
void encode_batch(const RecordBatch& batch, std::string& out);
RecordBatch decode_batch(std::string_view bytes, const Schema& schema);
// Only the columns marked in `used` (as long as the schema; the others are left empty, not
// to be read): what an operator that reads a few columns of a wide batch decodes.
RecordBatch decode_batch(std::string_view bytes, const Schema& schema, const std::vector<bool>& used);
// The encoded batch of `columns` (indices into `schema`, in any order, repeats allowed) of the
// encoded batch `bytes`: each column's bytes copied as they are, nothing decoded.
std::string select_encoded(std::string_view bytes, const Schema& schema, const std::vector<std::size_t>& columns);

// One cell as show() prints it (pretty_value.hpp): NULL, true/false, numbers, dates.
std::string pretty_cell(const Vector& v, std::uint32_t row);
// Whether cells a[i] and b[j] (not null, of one type) are equal as Spark compares keys and
// IN lists: NaN equals NaN, and -0.0 equals 0.0.
bool equal_cells(const Vector& a, std::uint32_t i, const Vector& b, std::uint32_t j);
// Appends cell r of `from` (of the builder's type, or null) to `out`.
void append_cell(VectorBuilder& out, const Vector& from, std::uint32_t r);
// One cell as a Value (Null for a null).
Value value_at(const Vector& v, std::uint32_t row);
// The rows `rows` (ascending or not) of `b`, in that order.
RecordBatch gather(const RecordBatch& b, const std::vector<std::uint32_t>& rows);
// Rows [begin, end) of `rows` (each a Value per column of `schema`, of its type or Null).
RecordBatch batch_of(const Schema& schema, const std::vector<std::vector<Value>>& rows, std::size_t begin,
                     std::size_t end);

}  // namespace dataflow::frame
