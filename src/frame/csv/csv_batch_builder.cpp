// CsvBatchBuilder: each field converted straight into its column's buffer; a record that is
// dropped or fails is unwound, so that it leaves the batch as it was.
#include "frame/csv/csv_batch_builder.hpp"

#include <cstring>
#include <utility>

#include "dataflow/error.hpp"
#include "frame/csv/csv_number.hpp"
#include "frame/expr/parse_value.hpp"
#include "frame/optimizer/predicate.hpp"

namespace dataflow::frame::csv {
namespace {

// Buffers are kept from batch to batch, unless long fields grew one past this.
constexpr std::size_t kKeepBytes = std::size_t{4} << 20;

// Writes `t` as a value of the fixed-width type `type` into `slot`; false (nothing written)
// when it is not one.
bool parse_fixed(Type type, std::string_view t, char* slot) {
  const auto put = [slot](auto value) {
    std::memcpy(slot, &value, sizeof value);
    return true;
  };
  switch (type) {
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
      const auto value = parse_value(t, type);
      if (!value) return false;
      if (const bool* b = std::get_if<bool>(&*value)) return put(static_cast<std::uint8_t>(*b ? 1 : 0));
      if (const Date* d = std::get_if<Date>(&*value)) return put(d->days);
      if (const Timestamp* ts = std::get_if<Timestamp>(&*value)) return put(ts->micros);
      return false;
    }
    case Type::kString:
      return false;
  }
  return false;
}

// A bitmap only when a row is null, as VectorBuilder makes it (the bits past the last row
// are zero).
void drop_full_validity(Vector& v) {
  bool all_valid = true;
  for (std::uint32_t i = 0; i < v.size / 8 && all_valid; ++i) all_valid = v.validity[i] == '\xff';
  if (v.size % 8 != 0) all_valid = all_valid && v.validity.back() == static_cast<char>((1 << (v.size % 8)) - 1);
  if (all_valid) v.validity.clear();
}

}  // namespace

CsvBatchBuilder::CsvBatchBuilder(const Schema& schema, const CsvOptions& options, std::vector<std::size_t> columns,
                                 const BoundExpr* filter)
    : schema_(schema), options_(options), outputs_(std::move(columns)) {
  if (outputs_.empty()) {
    for (std::size_t c = 0; c < schema.size(); ++c) outputs_.push_back(c);
  }
  if (!filter) {
    columns_ = outputs_;
    for (std::size_t j = 0; j < outputs_.size(); ++j) from_.push_back(static_cast<std::ptrdiff_t>(j));
  } else {
    // Converted as added: the filter's columns (and in a mode that checks every field, all).
    std::vector<bool> now(schema.size());
    mark_columns(*filter, now);
    if (options.mode != ParseMode::kPermissive) {
      for (std::size_t c : outputs_) now[c] = true;
    }
    std::vector<std::size_t> position(schema.size());
    for (std::size_t c = 0; c < schema.size(); ++c) {
      if (!now[c]) continue;
      position[c] = columns_.size();
      columns_.push_back(c);
    }
    for (std::size_t c : outputs_) {
      if (now[c]) {
        from_.push_back(static_cast<std::ptrdiff_t>(position[c]));
      } else {
        from_.push_back(-1 - static_cast<std::ptrdiff_t>(late_.size()));
        late_.push_back({c, {}, {}, {}});
      }
    }
    filter_ = remap_columns(*filter, position);
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
  if (v.type == Type::kString) {
    v.data.append(t);
    v.offsets.push_back(static_cast<std::uint32_t>(v.data.size()));
    return true;
  }
  return parse_fixed(v.type, t, v.data.data() + static_cast<std::size_t>(rows_) * widths_[c]);
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
  for (LateColumn& late : late_) {  // only in PERMISSIVE mode, where a row is always kept
    const bool present = late.column < fields.size() && !is_null_field(fields[late.column], options_);
    if (present) late.text.append(fields[late.column].text);
    late.ends.push_back(static_cast<std::uint32_t>(late.text.size()));
    late.present.push_back(present ? 1 : 0);
  }
  ++rows_;
}

Vector CsvBatchBuilder::convert_late(const LateColumn& late, const std::vector<std::uint32_t>& rows) const {
  Vector v;
  v.type = schema_[late.column].type;
  v.size = static_cast<std::uint32_t>(rows.size());
  std::string validity((rows.size() + 7) / 8, '\0');
  bool any_null = false;
  const std::size_t width = value_width(v.type);
  if (v.type == Type::kString) {
    v.offsets.reserve(rows.size() + 1);
    v.offsets.push_back(0);
  } else {
    v.data.resize(rows.size() * width);
  }
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const std::uint32_t r = rows[i];
    const std::uint32_t begin = r == 0 ? 0 : late.ends[r - 1];
    const std::string_view text = std::string_view(late.text).substr(begin, late.ends[r] - begin);
    bool valid = late.present[r] != 0;
    if (v.type == Type::kString) {
      if (valid) v.data.append(text);
      v.offsets.push_back(static_cast<std::uint32_t>(v.data.size()));
    } else {
      char* slot = v.data.data() + i * width;
      valid = valid && parse_fixed(v.type, text, slot);  // PERMISSIVE: a bad value is null
      if (!valid) std::memset(slot, 0, width);
    }
    if (valid) {
      validity[i / 8] = static_cast<char>(validity[i / 8] | 1 << (i % 8));
    } else {
      any_null = true;
    }
  }
  if (any_null) v.validity = std::move(validity);
  return v;
}

const std::string& CsvBatchBuilder::finish() {
  if (filter_) {
    finish_filtered();
    return encoded_;
  }
  finished_rows_ = rows_;
  batch_.rows = rows_;
  std::size_t bytes = 8;
  for (std::size_t c = 0; c < batch_.columns.size(); ++c) {
    Vector& v = batch_.columns[c];
    v.size = rows_;
    if (v.type != Type::kString) v.data.resize(static_cast<std::size_t>(rows_) * widths_[c]);
    v.validity.resize((rows_ + 7) / 8);
    drop_full_validity(v);
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

namespace dataflow::frame::csv {

void CsvBatchBuilder::finish_filtered() {
  batch_.rows = rows_;
  for (std::size_t c = 0; c < batch_.columns.size(); ++c) {
    Vector& v = batch_.columns[c];
    v.size = rows_;
    if (v.type != Type::kString) v.data.resize(static_cast<std::size_t>(rows_) * widths_[c]);
    v.validity.resize((rows_ + 7) / 8);  // the bits past the last row are zero
  }
  const std::vector<std::uint32_t> pass = select_true(*filter_, batch_);
  RecordBatch out;
  out.rows = static_cast<std::uint32_t>(pass.size());
  if (!pass.empty()) {
    const bool all = pass.size() == rows_;
    const RecordBatch kept = all ? RecordBatch{} : gather(batch_, pass);
    for (const std::ptrdiff_t from : from_) {
      if (from < 0) {
        out.columns.push_back(convert_late(late_[static_cast<std::size_t>(-1 - from)], pass));
        continue;
      }
      out.columns.push_back(all ? batch_.columns[static_cast<std::size_t>(from)]
                                : kept.columns[static_cast<std::size_t>(from)]);
      if (!out.columns.back().validity.empty()) drop_full_validity(out.columns.back());
    }
  }
  encoded_.clear();
  if (!pass.empty()) encode_batch(out, encoded_);
  finished_rows_ = out.rows;
  rows_ = 0;
  reset_columns();
  for (LateColumn& late : late_) {
    if (late.text.capacity() > kKeepBytes) late.text = std::string();
    late.text.clear();
    late.ends.clear();
    late.present.clear();
  }
}

}  // namespace dataflow::frame::csv
