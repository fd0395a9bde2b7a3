// CsvBatchBuilder: each field converted straight into its column's buffer; a record that is
// dropped or fails is unwound, so that it leaves the batch as it was.
#include "frame/csv/csv_batch_builder.hpp"

#include <cstring>
#include <utility>

#include "dataflow/error.hpp"
#include "frame/csv/csv_number.hpp"
#include "frame/expr/parse_value.hpp"

namespace dataflow::frame::csv {
namespace {

// Buffers are kept from batch to batch, unless long fields grew one past this.
constexpr std::size_t kKeepBytes = std::size_t{4} << 20;

}  // namespace

CsvBatchBuilder::CsvBatchBuilder(const Schema& schema, const CsvOptions& options, std::vector<std::size_t> columns)
    : schema_(schema), options_(options), columns_(std::move(columns)) {
  if (columns_.empty()) {
    for (std::size_t c = 0; c < schema.size(); ++c) columns_.push_back(c);
  }
  for (std::size_t c : columns_) {
    const Field& f = schema[c];
    Vector& v = batch_.columns.emplace_back();
    v.type = f.type;
    widths_.push_back(value_width(f.type));
    if (f.type == Type::kString) v.offsets.reserve(kBatchRows + 1);
  }
  reset_columns();
}

void CsvBatchBuilder::reset_columns() {
  for (std::size_t c = 0; c < batch_.columns.size(); ++c) {
    Vector& v = batch_.columns[c];
    v.size = 0;
    v.validity.assign((kBatchRows + 7) / 8, '\0');
    if (v.type == Type::kString) {
      if (v.data.capacity() > kKeepBytes) v.data = std::string();
      v.data.clear();
      v.offsets.assign(1, 0);
    } else {
      v.data.resize(kBatchRows * widths_[c]);
    }
  }
  room_ = kBatchRows;
}

void CsvBatchBuilder::make_room(std::uint32_t rows) {
  for (std::size_t c = 0; c < batch_.columns.size(); ++c) {
    Vector& v = batch_.columns[c];
    v.validity.resize((static_cast<std::size_t>(rows) + 7) / 8, '\0');
    if (v.type != Type::kString) v.data.resize(static_cast<std::size_t>(rows) * widths_[c]);
  }
  room_ = rows;
}

bool CsvBatchBuilder::store(std::size_t c, std::string_view t) {
  Vector& v = batch_.columns[c];
  char* slot = v.data.data() + static_cast<std::size_t>(rows_) * widths_[c];
  const auto put = [slot](auto value) {
    std::memcpy(slot, &value, sizeof value);
    return true;
  };
  switch (v.type) {
    case Type::kString:
      v.data.append(t);
      v.offsets.push_back(static_cast<std::uint32_t>(v.data.size()));
      return true;
    case Type::kInt32: {
      std::int32_t i = 0;
      return field_value(t, i) && put(i);
    }
    case Type::kInt64: {
      std::int64_t i = 0;
      return field_value(t, i) && put(i);
    }
    case Type::kFloat32: {
      double d = 0;
      return double_value(t, d) && put(static_cast<float>(d));
    }
    case Type::kFloat64: {
      double d = 0;
      return double_value(t, d) && put(d);
    }
    case Type::kBool:
    case Type::kDate:
    case Type::kTimestamp: {
      const auto value = parse_value(t, v.type);
      if (!value) return false;
      if (const bool* b = std::get_if<bool>(&*value)) return put(static_cast<std::uint8_t>(*b ? 1 : 0));
      if (const Date* d = std::get_if<Date>(&*value)) return put(d->days);
      if (const Timestamp* ts = std::get_if<Timestamp>(&*value)) return put(ts->micros);
      return false;
    }
  }
  return false;
}

void CsvBatchBuilder::store_null(std::size_t c) {
  Vector& v = batch_.columns[c];
  if (v.type == Type::kString) {
    v.offsets.push_back(static_cast<std::uint32_t>(v.data.size()));
  } else {
    std::memset(v.data.data() + static_cast<std::size_t>(rows_) * widths_[c], 0, widths_[c]);
  }
}

void CsvBatchBuilder::unwind() {
  for (Vector& v : batch_.columns) {
    v.validity[rows_ / 8] = static_cast<char>(v.validity[rows_ / 8] & ~(1 << (rows_ % 8)));
    if (v.type == Type::kString && v.offsets.size() > rows_ + 1) {
      v.data.resize(v.offsets[rows_]);
      v.offsets.resize(rows_ + 1);
    }
  }
}

void CsvBatchBuilder::add(const std::vector<CsvField>& fields, bool unclosed_quote) {
  std::string why;
  if (unclosed_quote) why = "a quoted field is not closed";
  if (why.empty() && fields.size() != schema_.size()) {
    why = "expected " + std::to_string(schema_.size()) + " fields, found " + std::to_string(fields.size());
  }
  if (rows_ == room_) make_room(2 * room_);
  const char bit = static_cast<char>(1 << (rows_ % 8));
  for (std::size_t j = 0; j < columns_.size(); ++j) {
    const std::size_t c = columns_[j];
    // Missing fields, nulls and (PERMISSIVE) values not of the column's type are nulls.
    if (c < fields.size() && !is_null_field(fields[c], options_)) {
      if (store(j, fields[c].text)) {
        char& bits = batch_.columns[j].validity[rows_ / 8];
        bits = static_cast<char>(bits | bit);
        continue;
      }
      if (why.empty()) {
        why = "field " + std::to_string(c + 1) + " (" + schema_[c].name + "): '" + std::string(fields[c].text) +
              "' is not a valid " + std::string(type_name(schema_[c].type));
      }
    }
    store_null(j);
  }
  if (!why.empty() && options_.mode != ParseMode::kPermissive) {
    unwind();
    if (options_.mode == ParseMode::kFailFast) throw Error(ExitCode::kDataError, "malformed CSV record: " + why);
    return;
  }
  ++rows_;
}

const std::string& CsvBatchBuilder::finish() {
  batch_.rows = rows_;
  std::size_t bytes = 8;
  for (std::size_t c = 0; c < batch_.columns.size(); ++c) {
    Vector& v = batch_.columns[c];
    v.size = rows_;
    if (v.type != Type::kString) v.data.resize(static_cast<std::size_t>(rows_) * widths_[c]);
    // A bitmap only when a row is null, as VectorBuilder makes it (the bits past the last
    // row are zero).
    v.validity.resize((rows_ + 7) / 8);
    bool all_valid = true;
    for (std::uint32_t i = 0; i < rows_ / 8 && all_valid; ++i) all_valid = v.validity[i] == '\xff';
    if (rows_ % 8 != 0) all_valid = all_valid && v.validity.back() == static_cast<char>((1 << (rows_ % 8)) - 1);
    if (all_valid) v.validity.clear();
    bytes += 2 + v.validity.size() + 8 + v.data.size() + v.offsets.size() * 4;
  }
  if (encoded_.capacity() > kKeepBytes && bytes <= kKeepBytes) encoded_ = std::string();
  encoded_.clear();
  encoded_.reserve(bytes);
  encode_batch(batch_, encoded_);
  rows_ = 0;
  reset_columns();
  return encoded_;
}

}  // namespace dataflow::frame::csv
