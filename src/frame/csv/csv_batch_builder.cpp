// CsvBatchBuilder: each record converted into cells first, then appended, so that a record
// that is dropped or fails leaves the batch as it was.
#include "frame/csv/csv_batch_builder.hpp"

#include <cctype>
#include <charconv>
#include <limits>

#include "dataflow/error.hpp"
#include "frame/expr/parse_value.hpp"

namespace dataflow::frame::csv {
namespace {

template <class T>
bool number(std::string_view s, T& v) {
  if (s.size() > 1 && s.front() == '+') s.remove_prefix(1);
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return !s.empty() && ec == std::errc() && end == s.data() + s.size();
}

bool double_value(std::string_view s, double& v) {
  std::string_view body = s;
  const bool negative = !body.empty() && body.front() == '-';
  if (!body.empty() && (body.front() == '+' || body.front() == '-')) body.remove_prefix(1);
  if (body == "NaN") {
    v = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  if (body == "Infinity") {
    v = negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    return true;
  }
  if (body.empty() || std::isalpha(static_cast<unsigned char>(body.front()))) return false;
  return number(s, v);
}

}  // namespace

bool is_null_field(const CsvField& f, const CsvOptions& options) {
  return !f.quoted && (f.text.empty() || f.text == options.null_value);
}

CsvBatchBuilder::CsvBatchBuilder(const Schema& schema, const CsvOptions& options)
    : schema_(schema), options_(options), cells_(schema.size()) {
  for (const Field& f : schema.fields()) builders_.emplace_back(f.type);
}

bool CsvBatchBuilder::convert(std::size_t column, const CsvField& field, Cell& cell) const {
  cell.null = is_null_field(field, options_);
  if (cell.null) return true;
  const std::string_view t = field.text;
  switch (schema_[column].type) {
    case Type::kString:
      cell.s = t;
      return true;
    case Type::kInt32: {
      std::int32_t v = 0;
      if (!number(t, v)) return false;
      cell.i = v;
      return true;
    }
    case Type::kInt64:
      return number(t, cell.i);
    case Type::kFloat32:
    case Type::kFloat64:
      return double_value(t, cell.d);
    case Type::kBool:
    case Type::kDate:
    case Type::kTimestamp: {
      const auto v = parse_value(t, schema_[column].type);
      if (!v) return false;
      if (const bool* b = std::get_if<bool>(&*v)) cell.i = *b;
      if (const Date* d = std::get_if<Date>(&*v)) cell.i = d->days;
      if (const Timestamp* ts = std::get_if<Timestamp>(&*v)) cell.i = ts->micros;
      return true;
    }
  }
  return false;
}

void CsvBatchBuilder::add(const std::vector<CsvField>& fields, bool unclosed_quote) {
  std::string why;
  if (unclosed_quote) why = "a quoted field is not closed";
  if (why.empty() && fields.size() != schema_.size()) {
    why = "expected " + std::to_string(schema_.size()) + " fields, found " + std::to_string(fields.size());
  }
  for (std::size_t c = 0; c < schema_.size(); ++c) {
    Cell& cell = cells_[c];
    cell = Cell{};
    if (c >= fields.size()) continue;  // missing: null
    if (!convert(c, fields[c], cell)) {
      cell.null = true;
      if (why.empty()) {
        why = "field " + std::to_string(c + 1) + " (" + schema_[c].name + "): '" + std::string(fields[c].text) +
              "' is not a valid " + std::string(type_name(schema_[c].type));
      }
    }
  }
  if (!why.empty()) {
    if (options_.mode == ParseMode::kFailFast) throw Error(ExitCode::kDataError, "malformed CSV record: " + why);
    if (options_.mode == ParseMode::kDropMalformed) return;
  }
  for (std::size_t c = 0; c < schema_.size(); ++c) {
    const Cell& cell = cells_[c];
    VectorBuilder& b = builders_[c];
    if (cell.null) {
      b.append_null();
      continue;
    }
    switch (schema_[c].type) {
      case Type::kString:
        b.append_string(cell.s);
        break;
      case Type::kBool:
        b.append_bool(cell.i != 0);
        break;
      case Type::kInt32:
      case Type::kDate:
        b.append_int32(static_cast<std::int32_t>(cell.i));
        break;
      case Type::kInt64:
      case Type::kTimestamp:
        b.append_int64(cell.i);
        break;
      case Type::kFloat32:
        b.append_float32(static_cast<float>(cell.d));
        break;
      case Type::kFloat64:
        b.append_float64(cell.d);
        break;
    }
  }
  ++rows_;
}

std::string CsvBatchBuilder::finish() {
  RecordBatch batch;
  batch.rows = rows_;
  for (std::size_t c = 0; c < builders_.size(); ++c) {
    batch.columns.push_back(builders_[c].finish());
    builders_[c] = VectorBuilder(schema_[c].type);
  }
  rows_ = 0;
  std::string out;
  encode_batch(batch, out);
  return out;
}

}  // namespace dataflow::frame::csv
