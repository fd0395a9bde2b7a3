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

  // The rows of a 1-D HDF5 dataset in each file (paths as csv's; every file's dataset of the
  // same type) as a DataFrame: a column per member of a compound of numbers, in the file's
  // order, or one column "value" for a dataset of numbers. Types: signed integers up to 32
  // bits and unsigned up to 16 are integer, int64 and uint32 long, float32 float, float64
  // double; uint64 and non-number members are exit 65 (no column type holds them). No
  // nulls. The type rules of session.hdf5 hold (a later file whose type does not convert
  // losslessly is exit 65). A select right after the read reads only the members it uses
  // (explain() shows them: ReadSchema). Collective: every rank opens the first file's
  // dataset for its type.
  DataFrame hdf5(const std::string& path, const std::string& dataset) const {
    return hdf5(std::vector<std::string>{path}, dataset);
  }
  DataFrame hdf5(const std::vector<std::string>& paths, const std::string& dataset) const;

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
  // Action (collective): a 1-D compound dataset (a member per column, in order) written with
  // the collective writer of save_as_hdf5, which publishes FILE whole or not at all. Types:
  // boolean uint8, integer and date int32 (days since 1970-01-01), long and timestamp int64
  // (microseconds since the epoch), float float32, double float64; a string column is exit
  // 64, a null exit 65 (drop or fill them first). mode: "error" (an existing FILE is exit
  // 73), "overwrite", "ignore"; options "compression" ("gzip" or "none") with
  // "compressionLevel" (1-9, default 6), and "chunkRows".
  void hdf5(const std::string& file, const std::string& dataset) const;

 private:
  std::shared_ptr<const Schema> schema_;
  std::shared_ptr<const detail::FrameData> data_;
  std::string mode_ = "error";
  std::vector<std::pair<std::string, std::string>> options_;
};

}  // namespace dataflow
