// parse_csv_options and parse_ddl_schema: option values checked at the call, exit 64.
#include "frame/csv/csv_options.hpp"

#include <cctype>

#include "dataflow/error.hpp"

namespace dataflow::frame::csv {
namespace {

[[noreturn]] void usage(const std::string& what) { throw Error(ExitCode::kUsage, "csv: " + what); }

bool bool_value(const std::string& key, const std::string& value) {
  std::string v;
  for (char c : value) v.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (v == "true") return true;
  if (v == "false") return false;
  usage("option " + key + " must be true or false, not '" + value + "'");
}

char char_value(const std::string& key, const std::string& value) {
  if (value == "\\t") return '\t';
  if (value.size() != 1) usage("option " + key + " must be one character, not '" + value + "'");
  return value[0];
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

CsvOptions parse_csv_options(const OptionList& options, bool for_write) {
  CsvOptions o;
  for (const auto& [key, value] : options) {
    if (key == "header") {
      o.header = bool_value(key, value);
    } else if (key == "sep" || key == "delimiter") {
      o.sep = char_value(key, value);
    } else if (key == "quote") {
      o.quote = char_value(key, value);
    } else if (key == "escape") {
      o.escape = char_value(key, value);
    } else if (key == "nullvalue") {
      o.null_value = value;
    } else if (key == "dateformat") {
      if (value != "yyyy-MM-dd") usage("only the ISO dateFormat yyyy-MM-dd is supported, not '" + value + "'");
    } else if (key == "timestampformat") {
      if (value != "yyyy-MM-dd HH:mm:ss" && value != "yyyy-MM-dd'T'HH:mm:ss") {
        usage("only the ISO timestampFormat yyyy-MM-dd HH:mm:ss[.f] is supported, not '" + value + "'");
      }
    } else if (!for_write && key == "inferschema") {
      o.infer_schema = bool_value(key, value);
    } else if (!for_write && key == "multiline") {
      o.multi_line = bool_value(key, value);
    } else if (!for_write && key == "mode") {
      std::string v;
      for (char c : value) v.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
      if (v == "PERMISSIVE") {
        o.mode = ParseMode::kPermissive;
      } else if (v == "DROPMALFORMED") {
        o.mode = ParseMode::kDropMalformed;
      } else if (v == "FAILFAST") {
        o.mode = ParseMode::kFailFast;
      } else {
        usage("mode must be PERMISSIVE, DROPMALFORMED or FAILFAST, not '" + value + "'");
      }
    } else {
      usage(std::string("unknown ") + (for_write ? "writer" : "reader") + " option '" + key +
            (for_write ? "' (known: header, sep, delimiter, quote, escape, nullValue, dateFormat, timestampFormat)"
                       : "' (known: header, inferSchema, sep, delimiter, quote, escape, nullValue, mode, multiLine, "
                         "dateFormat, timestampFormat)"));
    }
  }
  if (o.sep == o.quote) usage("sep and quote must differ");
  if (o.sep == '\n' || o.sep == '\r' || o.quote == '\n' || o.quote == '\r')
    usage("sep and quote cannot be line breaks");
  return o;
}

Schema parse_ddl_schema(std::string_view ddl) {
  std::vector<Field> fields;
  std::size_t pos = 0;
  while (pos <= ddl.size()) {
    std::size_t comma = pos;
    bool quoted = false;
    for (; comma < ddl.size() && (quoted || ddl[comma] != ','); ++comma) {
      if (ddl[comma] == '`') quoted = !quoted;
    }
    std::string_view part = trim(ddl.substr(pos, comma - pos));
    pos = comma + 1;
    if (part.empty()) {
      if (fields.empty() && comma >= ddl.size()) break;  // "": no columns
      usage("schema '" + std::string(ddl) + "': an empty column definition");
    }
    std::string name;
    std::string_view rest;
    if (part.front() == '`') {
      const std::size_t close = part.find('`', 1);
      if (close == std::string_view::npos)
        usage("schema '" + std::string(ddl) + "': unclosed ` in '" + std::string(part) + "'");
      name = std::string(part.substr(1, close - 1));
      rest = part.substr(close + 1);
    } else {
      std::size_t end = 0;
      while (end < part.size() && !std::isspace(static_cast<unsigned char>(part[end])) && part[end] != ':') ++end;
      name = std::string(part.substr(0, end));
      rest = part.substr(end);
    }
    rest = trim(rest);
    if (!rest.empty() && rest.front() == ':') rest = trim(rest.substr(1));
    if (name.empty() || rest.empty()) {
      usage("schema '" + std::string(ddl) + "': expected 'name TYPE', found '" + std::string(part) + "'");
    }
    const auto type = parse_type(rest);
    if (!type) {
      usage("schema '" + std::string(ddl) + "': unknown type '" + std::string(rest) + "' for column " + name +
            " (known: boolean, int, bigint, float, double, string, date, timestamp)");
    }
    fields.push_back({std::move(name), *type, true});
  }
  return Schema(std::move(fields));
}

}  // namespace dataflow::frame::csv
