// Schema: types by Spark's names, case-insensitive resolution, printSchema.
#include "dataflow/schema.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include "common/env_config.hpp"
#include "dataflow/error.hpp"

namespace dataflow {
namespace {

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::string_view type_name(Type t) {
  switch (t) {
    case Type::kBool:
      return "boolean";
    case Type::kInt32:
      return "integer";
    case Type::kInt64:
      return "long";
    case Type::kFloat32:
      return "float";
    case Type::kFloat64:
      return "double";
    case Type::kString:
      return "string";
    case Type::kDate:
      return "date";
    case Type::kTimestamp:
      return "timestamp";
  }
  return "unknown";
}

std::optional<Type> parse_type(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, Type>, 14> kNames = {{
      {"boolean", Type::kBool},
      {"bool", Type::kBool},
      {"integer", Type::kInt32},
      {"int", Type::kInt32},
      {"long", Type::kInt64},
      {"bigint", Type::kInt64},
      {"float", Type::kFloat32},
      {"real", Type::kFloat32},
      {"double", Type::kFloat64},
      {"string", Type::kString},
      {"varchar", Type::kString},
      {"date", Type::kDate},
      {"timestamp", Type::kTimestamp},
      {"timestamp_ltz", Type::kTimestamp},
  }};
  const std::string n = lower(name);
  for (const auto& [text, type] : kNames) {
    if (n == text) return type;
  }
  return std::nullopt;
}

std::vector<std::string> Schema::names() const {
  std::vector<std::string> out;
  for (const Field& f : fields_) out.push_back(f.name);
  return out;
}

std::optional<std::size_t> Schema::find(std::string_view name) const {
  std::optional<std::size_t> found;
  for (std::size_t i = 0; i < fields_.size(); ++i) {
    if (!same_name(fields_[i].name, name)) continue;
    if (found) return std::nullopt;  // ambiguous
    found = i;
  }
  return found;
}

std::size_t Schema::resolve(std::string_view name) const {
  if (const auto i = find(name)) return *i;
  const auto matches =
      std::count_if(fields_.begin(), fields_.end(), [&](const Field& f) { return same_name(f.name, name); });
  if (matches > 1) {
    throw Error(ExitCode::kUsage, "Reference '" + std::string(name) + "' is ambiguous: " + std::to_string(matches) +
                                      " columns have that name (qualify it with df[\"name\"] or rename one)");
  }
  std::string message = "cannot resolve column '" + std::string(name) + "'";
  std::size_t best = std::string::npos;
  std::vector<std::string> closest;
  for (const Field& f : fields_) {
    const std::size_t d = common::edit_distance(lower(f.name), lower(name));
    if (d < best) {
      best = d;
      closest.clear();
    }
    if (d == best) closest.push_back(f.name);
  }
  if (!closest.empty() && best <= std::max<std::size_t>(2, name.size() / 3)) {
    message += "; did you mean ";
    for (std::size_t i = 0; i < closest.size() && i < 3; ++i) message += (i ? ", '" : "'") + closest[i] + "'";
    message += "?";
  } else {
    message += "; the columns are: ";
    for (std::size_t i = 0; i < fields_.size(); ++i) message += (i ? ", " : "") + fields_[i].name;
  }
  throw Error(ExitCode::kUsage, message);
}

std::optional<std::size_t> Schema::find_tagged(std::string_view name, std::uint64_t frame) const {
  std::optional<std::size_t> found;
  for (std::size_t i = 0; i < fields_.size(); ++i) {
    const auto& tags = fields_[i].frames;
    if (!same_name(fields_[i].name, name) || std::find(tags.begin(), tags.end(), frame) == tags.end()) continue;
    if (found) {
      throw Error(ExitCode::kUsage, "Reference '" + std::string(name) +
                                        "' is ambiguous: the frame it comes from is on both sides of a join "
                                        "(join two different frames, or rename the column on one side)");
    }
    found = i;
  }
  return found;
}

std::string Schema::tree_string() const {
  std::string out = "root\n";
  for (const Field& f : fields_) {
    out += " |-- " + f.name + ": " + std::string(type_name(f.type)) +
           " (nullable = " + (f.nullable ? "true" : "false") + ")\n";
  }
  return out;
}

}  // namespace dataflow
