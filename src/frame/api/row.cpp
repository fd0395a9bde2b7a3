// Row: its text, and the error a get<T> of another type gives.
#include "dataflow/row.hpp"

#include "frame/pretty_value.hpp"

namespace dataflow {
namespace {

std::string value_text(const Value& v) {
  struct Text {
    std::string operator()(Null) const { return "null"; }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(std::int32_t x) const { return std::to_string(x); }
    std::string operator()(std::int64_t x) const { return std::to_string(x); }
    std::string operator()(float x) const { return frame::java_float(x); }
    std::string operator()(double x) const { return frame::java_double(x); }
    std::string operator()(const std::string& s) const { return s; }
    std::string operator()(Date d) const { return frame::date_text(d.days); }
    std::string operator()(Timestamp t) const { return frame::timestamp_text(t.micros); }
  };
  return std::visit(Text{}, v);
}

}  // namespace

std::string Row::to_string() const {
  std::string out = "[";
  for (std::size_t i = 0; i < values_.size(); ++i) out += (i ? "," : "") + value_text(values_[i]);
  return out + "]";
}

void Row::wrong_type(std::size_t i, bool null) const {
  const Field& f = schema_->fields().at(i);
  throw Error(ExitCode::kUsage, "Row::get: column '" + f.name + "' is " +
                                    (null ? std::string("null in this row") : "a " + std::string(type_name(f.type))) +
                                    ", not the type asked for");
}

}  // namespace dataflow
