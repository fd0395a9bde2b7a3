// Reading and writing DataFrames as CSV files, as PySpark's spark.read and df.write do:
//   session.read().option("header", true).option("inferSchema", true).csv("orders.csv")
//   df.write().mode("overwrite").option("header", true).csv("out")
// Option names are PySpark's, in any case (header, inferSchema, sep/delimiter, quote, escape,
// nullValue, mode, multiLine, dateFormat, timestampFormat); README: DataFrames and CSV.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dataflow/dataframe.hpp"
#include "dataflow/schema.hpp"

namespace dataflow {

namespace detail {
class Runtime;
struct FrameData;
}  // namespace detail

// Spark's DataFrameReader for CSV. Options and the schema are checked when csv() is called
// (a bad one is Error(kUsage), exit 64). Fields follow RFC 4180 (escape defaults to the quote:
// "" inside a quoted field is one "); an empty unquoted field, or one equal to nullValue, reads
// as null, and a quoted empty field "" as the empty string (what the writer writes for each).
// Blank lines are skipped; a UTF-8 BOM at a file's start is skipped; a record is one line
// unless multiLine ("\n", "\r\n" and a lone "\r" end lines). header: the first line of every
// file is skipped, and names the columns from the first file. mode: PERMISSIVE (default;
// unparsable and missing fields null, extra fields dropped), DROPMALFORMED, FAILFAST (exit
// 65 naming FILE:OFFSET and why). dateFormat and timestampFormat: only the ISO defaults.
class DataFrameReader {
 public:
  DataFrameReader(Session& session, detail::Runtime* runtime) : session_(&session), runtime_(runtime) {}

  DataFrameReader& option(std::string_view key, std::string_view value);
  DataFrameReader& option(std::string_view key, const char* value) { return option(key, std::string_view(value)); }
  DataFrameReader& option(std::string_view key, const std::string& value) {
    return option(key, std::string_view(value));
  }
  DataFrameReader& option(std::string_view key, bool value) { return option(key, value ? "true" : "false"); }
  DataFrameReader& option(std::string_view key, int value) { return option(key, std::to_string(value)); }
  DataFrameReader& option(std::string_view key, std::int64_t value) { return option(key, std::to_string(value)); }
  // The columns, as Spark's DDL ("a INT, b STRING") or a Schema. Without a schema, columns are
  // strings (or inferred with inferSchema), named by the header or _c0, _c1, ...
  DataFrameReader& schema(std::string_view ddl);
  DataFrameReader& schema(Schema schema);

  // The rows of CSV files: each path a file, a directory or a glob, as Session::text_file.
  // Collective (every rank calls it); without a schema it runs a job to read the first record
  // (and, with inferSchema, one more over all records), so the schema is the same on every rank.
  DataFrame csv(const std::string& path) const { return csv(std::vector<std::string>{path}); }
  DataFrame csv(const std::vector<std::string>& paths) const;

 private:
  Session* session_;
  detail::Runtime* runtime_;
  std::vector<std::pair<std::string, std::string>> options_;  // keys lower-cased
  std::optional<Schema> schema_;
};

// Spark's DataFrameWriter for CSV (DataFrame::write()).
class DataFrameWriter {
 public:
  DataFrameWriter(std::shared_ptr<const Schema> schema, std::shared_ptr<const detail::FrameData> data)
      : schema_(std::move(schema)), data_(std::move(data)) {}

  // "error" / "errorifexists" (the default: an existing directory is exit 73), "overwrite"
  // (replaces it), "append" (adds part files beside the ones there), "ignore" (writes nothing
  // if it exists). Another mode is exit 64.
  DataFrameWriter& mode(std::string_view mode);
  DataFrameWriter& option(std::string_view key, std::string_view value);
  DataFrameWriter& option(std::string_view key, const char* value) { return option(key, std::string_view(value)); }
  DataFrameWriter& option(std::string_view key, const std::string& value) {
    return option(key, std::string_view(value));
  }
  DataFrameWriter& option(std::string_view key, bool value) { return option(key, value ? "true" : "false"); }

  // Action (collective): DIR/part-NNNNN.csv, one per partition, each with the header line when
  // header is true, then DIR/_SUCCESS. A null is an empty field, an empty string "", numbers
  // as show() prints them, dates yyyy-MM-dd, timestamps yyyy-MM-dd HH:mm:ss[.f]. DIR appears
  // whole or not at all (the engine's committer writes it beside DIR first).
  void csv(const std::string& dir) const;

 private:
  std::shared_ptr<const Schema> schema_;
  std::shared_ptr<const detail::FrameData> data_;
  std::string mode_ = "error";
  std::vector<std::pair<std::string, std::string>> options_;
};

}  // namespace dataflow
