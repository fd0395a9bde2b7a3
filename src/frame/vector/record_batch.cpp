// Vectors, their builder and the batch codec.
#include "frame/vector/record_batch.hpp"

#include <cmath>
#include <cstring>
#include <utility>

#include "dataflow/error.hpp"
#include "frame/pretty_value.hpp"
#include "frame/vector/raw_bytes.hpp"

namespace dataflow::frame {
namespace {

[[noreturn]] void malformed(const std::string& what) {
  throw Error(ExitCode::kSoftware, "malformed column batch: " + what);
}

class Reader {
 public:
  explicit Reader(std::string_view b) : b_(b) {}
  template <class T>
  T get() {
    T v;
    std::memcpy(&v, take(sizeof v).data(), sizeof v);
    return v;
  }
  std::string_view take(std::size_t n) {
    if (n > b_.size() - at_) malformed("it ends early");
    const std::string_view s = b_.substr(at_, n);
    at_ += n;
    return s;
  }
  bool done() const { return at_ == b_.size(); }
  std::size_t position() const { return at_; }

 private:
  std::string_view b_;
  std::size_t at_ = 0;
};

}  // namespace

std::size_t value_width(Type t) {
  switch (t) {
    case Type::kBool:
      return 1;
    case Type::kInt32:
    case Type::kDate:
    case Type::kFloat32:
      return 4;
    case Type::kInt64:
    case Type::kTimestamp:
    case Type::kFloat64:
      return 8;
    case Type::kString:
      return 0;
  }
  return 0;
}

VectorBuilder::VectorBuilder(Type type) {
  v_.type = type;
  if (type == Type::kString) v_.offsets.push_back(0);
}

void VectorBuilder::mark_valid() {
  if (any_null_) {
    if (v_.size % 8 == 0) v_.validity += '\0';
    v_.validity.back() = static_cast<char>(v_.validity.back() | (1 << (v_.size % 8)));
  }
  ++v_.size;
}

void VectorBuilder::append_null() {
  if (!any_null_) {  // every row so far was valid
    any_null_ = true;
    v_.validity.assign((v_.size + 7) / 8, '\xff');
    if (v_.size % 8 != 0) v_.validity.back() = static_cast<char>((1 << (v_.size % 8)) - 1);
  }
  if (v_.size % 8 == 0) v_.validity += '\0';
  if (v_.type == Type::kString) {
    v_.offsets.push_back(static_cast<std::uint32_t>(v_.data.size()));
  } else {
    v_.data.append(value_width(v_.type), '\0');
  }
  ++v_.size;
}

void VectorBuilder::append_string(std::string_view v) {
  v_.data.append(v);
  v_.offsets.push_back(static_cast<std::uint32_t>(v_.data.size()));
  mark_valid();
}

Vector VectorBuilder::finish() {
  Vector out = std::move(v_);
  v_ = Vector{};
  v_.type = out.type;
  if (out.type == Type::kString) v_.offsets.push_back(0);
  any_null_ = false;
  return out;
}

void encode_batch(const RecordBatch& batch, std::string& out) {
  std::size_t size = out.size() + 8;
  for (const Vector& v : batch.columns) size += 10 + v.validity.size() + v.data.size() + 4 * v.offsets.size();
  out.reserve(size);  // one allocation: growing by appends copies the bytes again and again
  put(out, batch.rows);
  put(out, static_cast<std::uint32_t>(batch.columns.size()));
  for (const Vector& v : batch.columns) {
    put(out, static_cast<std::uint8_t>(v.type));
    put(out, static_cast<std::uint8_t>(v.validity.empty() ? 0 : 1));
    out += v.validity;
    put(out, static_cast<std::uint64_t>(v.data.size()));
    out += v.data;
    if (v.type == Type::kString) out.append(reinterpret_cast<const char*>(v.offsets.data()), v.offsets.size() * 4);
  }
}

namespace {

// Reads one column's encoding at r into v (of schema column c), or skips it when !keep.
void decode_column(Reader& r, std::uint32_t rows, const Field& field, bool keep, Vector& v) {
  v.type = static_cast<Type>(r.get<std::uint8_t>());
  if (v.type != field.type) malformed("column " + field.name + " has another type");
  const bool has_validity = r.get<std::uint8_t>() != 0;
  const std::string_view validity = has_validity ? r.take((rows + 7) / 8) : std::string_view();
  const std::string_view data = r.take(r.get<std::uint64_t>());
  const std::string_view offsets =
      v.type == Type::kString ? r.take((static_cast<std::size_t>(rows) + 1) * 4) : std::string_view();
  if (!keep) return;
  v.size = rows;
  v.validity = std::string(validity);
  v.data = std::string(data);
  if (v.type == Type::kString) {
    v.offsets.resize(rows + 1);
    std::memcpy(v.offsets.data(), offsets.data(), offsets.size());
    for (std::uint32_t i = 0; i < rows; ++i) {
      if (v.offsets[i] > v.offsets[i + 1]) malformed("string offsets descend");
    }
    if (v.offsets.front() != 0 || v.offsets.back() != v.data.size()) malformed("string offsets out of range");
  } else if (v.data.size() != static_cast<std::size_t>(rows) * value_width(v.type)) {
    malformed("column " + field.name + " has the wrong size");
  }
}

RecordBatch decode_columns(std::string_view bytes, const Schema& schema, const std::vector<bool>* used) {
  Reader r(bytes);
  RecordBatch b;
  b.rows = r.get<std::uint32_t>();
  if (r.get<std::uint32_t>() != schema.size()) malformed("its column count is not the schema's");
  b.columns.resize(schema.size());
  for (std::size_t c = 0; c < schema.size(); ++c)
    decode_column(r, b.rows, schema[c], !used || (*used)[c], b.columns[c]);
  if (!r.done()) malformed("trailing bytes");
  return b;
}

}  // namespace

RecordBatch decode_batch(std::string_view bytes, const Schema& schema) {
  return decode_columns(bytes, schema, nullptr);
}

RecordBatch decode_batch(std::string_view bytes, const Schema& schema, const std::vector<bool>& used) {
  return decode_columns(bytes, schema, &used);
}

std::string select_encoded(std::string_view bytes, const Schema& schema, const std::vector<std::size_t>& columns) {
  Reader r(bytes);
  const auto rows = r.get<std::uint32_t>();
  if (r.get<std::uint32_t>() != schema.size()) malformed("its column count is not the schema's");
  std::vector<std::string_view> spans(schema.size());  // each column's whole encoding
  Vector skipped;
  for (std::size_t c = 0; c < schema.size(); ++c) {
    const std::size_t at = r.position();
    decode_column(r, rows, schema[c], false, skipped);
    spans[c] = bytes.substr(at, r.position() - at);
  }
  if (!r.done()) malformed("trailing bytes");
  std::size_t size = 8;
  for (std::size_t c : columns) size += spans.at(c).size();
  std::string out;
  out.reserve(size);
  put(out, rows);
  put(out, static_cast<std::uint32_t>(columns.size()));
  for (std::size_t c : columns) out += spans[c];
  return out;
}

std::string pretty_cell(const Vector& v, std::uint32_t row) {
  if (!v.valid(row)) return kNullText;
  switch (v.type) {
    case Type::kBool:
      return v.value<std::uint8_t>(row) ? "true" : "false";
    case Type::kInt32:
      return std::to_string(v.value<std::int32_t>(row));
    case Type::kInt64:
      return std::to_string(v.value<std::int64_t>(row));
    case Type::kFloat32:
      return java_float(v.value<float>(row));
    case Type::kFloat64:
      return java_double(v.value<double>(row));
    case Type::kString:
      return std::string(v.string(row));
    case Type::kDate:
      return date_text(v.value<std::int32_t>(row));
    case Type::kTimestamp:
      return timestamp_text(v.value<std::int64_t>(row));
  }
  return {};
}

void VectorBuilder::append_value(const Value& v) {
  if (std::holds_alternative<Null>(v)) return append_null();
  switch (v_.type) {
    case Type::kBool:
      return append_bool(std::get<bool>(v));
    case Type::kInt32:
      return append_int32(std::get<std::int32_t>(v));
    case Type::kInt64:
      return append_int64(std::get<std::int64_t>(v));
    case Type::kFloat32:
      return append_float32(std::get<float>(v));
    case Type::kFloat64:
      return append_float64(std::get<double>(v));
    case Type::kString:
      return append_string(std::get<std::string>(v));
    case Type::kDate:
      return append_int32(std::get<Date>(v).days);
    case Type::kTimestamp:
      return append_int64(std::get<Timestamp>(v).micros);
  }
}

Value value_at(const Vector& v, std::uint32_t i) {
  if (!v.valid(i)) return Null{};
  switch (v.type) {
    case Type::kBool:
      return v.value<std::uint8_t>(i) != 0;
    case Type::kInt32:
      return v.value<std::int32_t>(i);
    case Type::kInt64:
      return v.value<std::int64_t>(i);
    case Type::kFloat32:
      return v.value<float>(i);
    case Type::kFloat64:
      return v.value<double>(i);
    case Type::kString:
      return std::string(v.string(i));
    case Type::kDate:
      return Date{v.value<std::int32_t>(i)};
    case Type::kTimestamp:
      return Timestamp{v.value<std::int64_t>(i)};
  }
  return Null{};
}

namespace {

template <class T>
void gather_fixed(const Vector& v, const std::vector<std::uint32_t>& rows, Vector& out) {
  out.data.resize(rows.size() * sizeof(T));
  char* to = out.data.data();
  const char* from = v.data.data();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    std::memcpy(to + i * sizeof(T), from + static_cast<std::size_t>(rows[i]) * sizeof(T), sizeof(T));
  }
}

// Rows `rows` of v, typed: fixed-width values copied, strings into one buffer, the validity
// bitmap kept only if a null is among them (a null's bytes zero, its string empty).
Vector gather_vector(const Vector& v, const std::vector<std::uint32_t>& rows) {
  Vector out;
  out.type = v.type;
  out.size = static_cast<std::uint32_t>(rows.size());
  const bool nulls = !v.validity.empty();
  if (v.type == Type::kString) {
    out.offsets.resize(rows.size() + 1);
    std::size_t total = 0;
    for (std::uint32_t r : rows) total += v.valid(r) ? v.offsets[r + 1] - v.offsets[r] : 0;
    out.data.resize(total);
    std::uint32_t at = 0;
    out.offsets[0] = 0;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const std::uint32_t r = rows[i];
      if (!nulls || v.valid(r)) {
        const std::uint32_t n = v.offsets[r + 1] - v.offsets[r];
        std::memcpy(out.data.data() + at, v.data.data() + v.offsets[r], n);
        at += n;
      }
      out.offsets[i + 1] = at;
    }
  } else {
    switch (value_width(v.type)) {
      case 1:
        gather_fixed<std::uint8_t>(v, rows, out);
        break;
      case 4:
        gather_fixed<std::uint32_t>(v, rows, out);
        break;
      default:
        gather_fixed<std::uint64_t>(v, rows, out);
        break;
    }
  }
  if (!nulls) return out;
  out.validity.assign((rows.size() + 7) / 8, '\0');
  bool any_null = false;
  const std::size_t width = value_width(v.type);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (v.valid(rows[i])) {
      out.validity[i / 8] = static_cast<char>(out.validity[i / 8] | (1 << (i % 8)));
    } else {
      any_null = true;
      if (width > 0) std::memset(out.data.data() + i * width, 0, width);
    }
  }
  if (!any_null) out.validity.clear();
  return out;
}

}  // namespace

RecordBatch gather(const RecordBatch& b, const std::vector<std::uint32_t>& rows) {
  RecordBatch out;
  out.rows = static_cast<std::uint32_t>(rows.size());
  for (const Vector& v : b.columns) out.columns.push_back(gather_vector(v, rows));
  return out;
}

RecordBatch batch_of(const Schema& schema, const std::vector<std::vector<Value>>& rows, std::size_t begin,
                     std::size_t end) {
  RecordBatch out;
  out.rows = static_cast<std::uint32_t>(end - begin);
  for (std::size_t c = 0; c < schema.size(); ++c) {
    VectorBuilder col(schema[c].type);
    for (std::size_t r = begin; r < end; ++r) col.append_value(rows[r].at(c));
    out.columns.push_back(col.finish());
  }
  return out;
}

void append_cell(VectorBuilder& out, const Vector& from, std::uint32_t r) {
  if (!from.valid(r)) {
    out.append_null();
    return;
  }
  switch (from.type) {
    case Type::kBool:
      out.append_bool(from.value<std::uint8_t>(r) != 0);
      break;
    case Type::kInt32:
    case Type::kDate:
      out.append_int32(from.value<std::int32_t>(r));
      break;
    case Type::kInt64:
    case Type::kTimestamp:
      out.append_int64(from.value<std::int64_t>(r));
      break;
    case Type::kFloat32:
      out.append_float32(from.value<float>(r));
      break;
    case Type::kFloat64:
      out.append_float64(from.value<double>(r));
      break;
    case Type::kString:
      out.append_string(from.string(r));
      break;
  }
}

namespace {

template <class F>
bool same_float(F a, F b) {
  return a == b || (std::isnan(a) && std::isnan(b));
}

}  // namespace

bool equal_cells(const Vector& a, std::uint32_t i, const Vector& b, std::uint32_t j) {
  switch (a.type) {
    case Type::kBool:
      return (a.value<std::uint8_t>(i) != 0) == (b.value<std::uint8_t>(j) != 0);
    case Type::kInt32:
    case Type::kDate:
      return a.value<std::int32_t>(i) == b.value<std::int32_t>(j);
    case Type::kInt64:
    case Type::kTimestamp:
      return a.value<std::int64_t>(i) == b.value<std::int64_t>(j);
    case Type::kFloat32:
      return same_float(a.value<float>(i), b.value<float>(j));
    case Type::kFloat64:
      return same_float(a.value<double>(i), b.value<double>(j));
    case Type::kString:
      return a.string(i) == b.string(j);
  }
  return false;
}

}  // namespace dataflow::frame
