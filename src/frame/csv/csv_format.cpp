// append_csv_*: CSV text of schemas and batches (csv_writer.hpp).
#include <charconv>
#include <cstdint>

#include "frame/csv/csv_writer.hpp"
#include "frame/pretty_value.hpp"

namespace dataflow::frame::csv {
namespace {

template <class T>
void append_number(T v, std::string& out) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

}  // namespace

void append_csv_field(std::string_view text, const CsvOptions& o, std::string& out) {
  bool quote = text.empty() || text == o.null_value || text.front() == ' ' || text.back() == ' ';
  for (std::size_t i = 0; i < text.size() && !quote; ++i) {
    const char c = text[i];
    quote = c == o.sep || c == o.quote || c == o.escape || c == '\n' || c == '\r';
  }
  if (!quote) {
    out += text;
    return;
  }
  out.push_back(o.quote);
  for (char c : text) {
    if (c == o.quote || (c == o.escape && o.escape != o.quote)) out.push_back(o.escape);
    out.push_back(c);
  }
  out.push_back(o.quote);
}

void append_csv_header(const Schema& schema, const CsvOptions& o, std::string& out) {
  for (std::size_t c = 0; c < schema.size(); ++c) {
    if (c > 0) out.push_back(o.sep);
    append_csv_field(schema[c].name, o, out);
  }
  out.push_back('\n');
}

void append_csv_rows(const RecordBatch& batch, const Schema& schema, const CsvOptions& o, std::string& out) {
  for (std::uint32_t r = 0; r < batch.rows; ++r) {
    for (std::size_t c = 0; c < batch.columns.size(); ++c) {
      if (c > 0) out.push_back(o.sep);
      const Vector& v = batch.columns[c];
      if (!v.valid(r)) {
        out += o.null_value;
        continue;
      }
      switch (schema[c].type) {
        case Type::kString:
          append_csv_field(v.string(r), o, out);
          break;
        case Type::kBool:
          out += v.value<std::uint8_t>(r) != 0 ? "true" : "false";
          break;
        case Type::kInt32:
          append_number(v.value<std::int32_t>(r), out);
          break;
        case Type::kInt64:
          append_number(v.value<std::int64_t>(r), out);
          break;
        case Type::kFloat32:
          append_csv_field(java_float(v.value<float>(r)), o, out);
          break;
        case Type::kFloat64:
          append_csv_field(java_double(v.value<double>(r)), o, out);
          break;
        case Type::kDate:
          append_csv_field(date_text(v.value<std::int32_t>(r)), o, out);
          break;
        case Type::kTimestamp:
          append_csv_field(timestamp_text(v.value<std::int64_t>(r)), o, out);
          break;
      }
    }
    out.push_back('\n');
  }
}

}  // namespace dataflow::frame::csv
