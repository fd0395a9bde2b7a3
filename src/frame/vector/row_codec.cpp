// append_cells / read_cell, and BatchWriter.
#include "frame/vector/row_codec.hpp"

#include <cmath>
#include <cstring>
#include <limits>

#include "dataflow/error.hpp"

namespace dataflow::frame {
namespace {

template <class T>
T normalized(T v, bool normalize) {
  if constexpr (std::is_floating_point_v<T>) {
    if (normalize && v == 0) return T{0};
    if (normalize && std::isnan(v)) return std::numeric_limits<T>::quiet_NaN();
  }
  return v;
}

template <class T>
void append_fixed(const Vector& v, std::vector<std::string>& rows, bool normalize) {
  for (std::uint32_t r = 0; r < v.size; ++r) {
    std::string& out = rows[r];
    if (!v.valid(r)) {
      out += '\0';
      continue;
    }
    out += '\1';
    const T x = normalized(v.value<T>(r), normalize);
    out.append(reinterpret_cast<const char*>(&x), sizeof x);
  }
}

[[noreturn]] void malformed() { throw Error(ExitCode::kSoftware, "malformed row bytes"); }

template <class T>
T take(std::string_view b, std::size_t& at) {
  if (b.size() - at < sizeof(T)) malformed();
  T v;
  std::memcpy(&v, b.data() + at, sizeof v);
  at += sizeof v;
  return v;
}

}  // namespace

void append_cells(const Vector& v, std::vector<std::string>& rows, bool normalize) {
  switch (v.type) {
    case Type::kBool:
      return append_fixed<std::uint8_t>(v, rows, normalize);
    case Type::kInt32:
    case Type::kDate:
      return append_fixed<std::int32_t>(v, rows, normalize);
    case Type::kInt64:
    case Type::kTimestamp:
      return append_fixed<std::int64_t>(v, rows, normalize);
    case Type::kFloat32:
      return append_fixed<float>(v, rows, normalize);
    case Type::kFloat64:
      return append_fixed<double>(v, rows, normalize);
    case Type::kString:
      for (std::uint32_t r = 0; r < v.size; ++r) {
        std::string& out = rows[r];
        if (!v.valid(r)) {
          out += '\0';
          continue;
        }
        const std::string_view s = v.string(r);
        const auto n = static_cast<std::uint32_t>(s.size());
        out += '\1';
        out.append(reinterpret_cast<const char*>(&n), sizeof n);
        out += s;
      }
      return;
  }
}

void read_cell(std::string_view bytes, std::size_t& at, VectorBuilder& out) {
  const auto tag = take<std::uint8_t>(bytes, at);
  if (tag == 0) {
    out.append_null();
    return;
  }
  switch (out.type()) {
    case Type::kBool:
      out.append_bool(take<std::uint8_t>(bytes, at) != 0);
      return;
    case Type::kInt32:
    case Type::kDate:
      out.append_int32(take<std::int32_t>(bytes, at));
      return;
    case Type::kInt64:
    case Type::kTimestamp:
      out.append_int64(take<std::int64_t>(bytes, at));
      return;
    case Type::kFloat32:
      out.append_float32(take<float>(bytes, at));
      return;
    case Type::kFloat64:
      out.append_float64(take<double>(bytes, at));
      return;
    case Type::kString: {
      const auto n = take<std::uint32_t>(bytes, at);
      if (bytes.size() - at < n) malformed();
      out.append_string(bytes.substr(at, n));
      at += n;
      return;
    }
  }
}

BatchWriter::BatchWriter(const Schema& schema) {
  for (std::size_t i = 0; i < schema.size(); ++i) {
    types_.push_back(schema[i].type);
    builders_.emplace_back(schema[i].type);
  }
}

void BatchWriter::row_done() {
  if (++rows_ == kBatchRows) flush();
}

void BatchWriter::flush() {
  if (rows_ == 0) return;
  RecordBatch b;
  b.rows = rows_;
  for (std::size_t i = 0; i < builders_.size(); ++i) {
    b.columns.push_back(builders_[i].finish());
    builders_[i] = VectorBuilder(types_[i]);
  }
  batches_.emplace_back();
  encode_batch(b, batches_.back());
  rows_ = 0;
}

std::vector<std::string> BatchWriter::finish() {
  flush();
  return std::move(batches_);
}

}  // namespace dataflow::frame
