// DataFrameReader::csv: the input planned as text_file's (the same splits, file identity
// checks and FILE:OFFSET origins of bad records); each task splits its records into fields
// and builds column batches. Without a schema, a take(1) job reads the first record (the
// header's names, or the number of columns) and, with inferSchema, an aggregate job folds
// every field into its column's type; both are actions, so every rank gets the same schema.
#include <algorithm>
#include <cctype>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "dataflow/frame_io.hpp"
#include "frame/api/frame_data.hpp"
#include "frame/ascii_lower.hpp"
#include "frame/csv/csv_batch_builder.hpp"
#include "frame/csv/csv_infer.hpp"
#include "frame/csv/csv_options.hpp"
#include "frame/csv/csv_parse.hpp"
#include "frame/expr/bound_expr.hpp"
#include "io/bad_records.hpp"

namespace dataflow {
namespace {

using frame::csv::CsvField;
using frame::csv::CsvOptions;
using frame::csv::CsvSplitter;
using frame::csv::ParsedRecord;

// Calls on_record(fields, unclosed_quote, first_of_file) for each record of the split, in
// order. A record is a line (the text reader's; an empty one is skipped), or with multiLine
// as many lines as its quoted fields hold: then the task that holds a file's first piece
// reads the whole file, and the other pieces of it read nothing. first_of_file: the record
// at the file's offset 0 (the header, when there is one), whose UTF-8 BOM is skipped. A
// kDataError from on_record is named "FILE:OFFSET: ...".
template <class OnRecord>
void for_each_record(const detail::TextSplit& split, const CsvOptions& o, OnRecord&& on_record) {
  CsvSplitter splitter(o.sep, o.quote, o.escape);
  std::vector<CsvField> fields;
  for (const detail::FilePiece& piece : split.pieces) {
    if (!o.multi_line) {
      const detail::TextSplit one{{piece}, split.max_line_size, split.bad_records};
      bool first = piece.start == 0;
      auto on_line = [&](std::string_view line) {
        const bool header = std::exchange(first, false);
        if (header) line = frame::csv::skip_bom(line);
        if (line.empty() && !header) return;
        const ParsedRecord r = splitter.split(line, 0, false, fields);
        on_record(fields, r.unclosed_quote, header);
      };
      detail::read_lines(one, detail::Emit<std::string_view>(on_line));
      continue;
    }
    if (piece.start != 0) continue;
    const std::string content = detail::read_whole_file(piece.path, "(CSV input)");
    if (content.size() != piece.file.size) {
      throw Error(ExitCode::kDataError, "input " + piece.path + " changed while the job ran (now " +
                                            std::to_string(content.size()) + " bytes, was " +
                                            std::to_string(piece.file.size) + ")");
    }
    const std::string_view text = content;
    std::size_t pos = text.size() - frame::csv::skip_bom(text).size();
    bool header = true;
    while (pos < text.size()) {
      const std::size_t at = pos;
      const ParsedRecord r = splitter.split(text, pos, true, fields);
      pos = r.next;
      const bool first = std::exchange(header, false);
      if (r.end == at && !first) continue;
      try {
        on_record(fields, r.unclosed_quote, first);
      } catch (const Error& e) {
        if (e.code() != ExitCode::kDataError) throw;
        throw Error(ExitCode::kDataError, io::record_origin(piece.path, at) + ": " + e.what());
      }
    }
  }
}

// A source dataset over `paths` planned as text_file's, whose tasks run f(split, emit).
template <class T, class F>
Dataset<T> csv_source(detail::Runtime* rt, const std::vector<std::string>& paths, const std::string& what, F f) {
  std::string label = what + "(";
  for (std::size_t i = 0; i < paths.size(); ++i) label += (i ? ", " : "") + paths[i];
  detail::NodeSpec spec{detail::OpKind::kTextFile, {}, label + ")"};
  spec.paths = paths;
  const int node = rt->add_node(std::move(spec));
  auto producer = std::make_shared<const detail::Producer<T>>(
      [node, f](detail::TaskContext& ctx, detail::Emit<T> emit) { f(*ctx.input(node).split, emit); });
  return Dataset<T>(rt, node, std::move(producer));
}

// Spark's header names: an empty name is _cI, and names that repeat (in any case) get their
// column's index appended.
std::vector<std::string> header_names(const std::vector<std::string>& header) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < header.size(); ++i) {
    names.push_back(header[i].empty() ? "_c" + std::to_string(i) : header[i]);
  }
  std::vector<std::string> out = names;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const auto same = [&](const std::string& n) { return frame::ascii_lower(n) == frame::ascii_lower(names[i]); };
    if (std::count_if(names.begin(), names.end(), same) > 1) out[i] = names[i] + std::to_string(i);
  }
  return out;
}

// Collective: the schema of files read without a given one.
Schema discover_schema(detail::Runtime* rt, const std::vector<std::string>& paths, const CsvOptions& o) {
  auto first = csv_source<std::vector<std::string>>(
      rt, paths, "csv_header", [o](const detail::TextSplit& split, detail::Emit<std::vector<std::string>> emit) {
        for_each_record(split, o, [&](const std::vector<CsvField>& fields, bool, bool first_of_file) {
          if (o.header && !first_of_file) return;
          std::vector<std::string> texts;
          for (const CsvField& f : fields) texts.emplace_back(f.text);
          emit(texts);
        });
      });
  const auto records = first.take(1);
  if (records.empty()) return Schema();  // no record at all: no columns, as Spark
  const std::size_t width = records[0].size();
  std::vector<std::string> names;
  if (o.header) {
    names = header_names(records[0]);
  } else {
    for (std::size_t i = 0; i < width; ++i) names.push_back("_c" + std::to_string(i));
  }
  frame::csv::InferState types(width);
  if (o.infer_schema) {
    auto states = csv_source<std::string>(
        rt, paths, "csv_infer_schema", [o, width](const detail::TextSplit& split, detail::Emit<std::string> emit) {
          frame::csv::InferState state(width);
          for_each_record(split, o, [&](const std::vector<CsvField>& fields, bool, bool first_of_file) {
            if (o.header && first_of_file) return;
            for (std::size_t i = 0; i < fields.size() && i < width; ++i) {
              if (!frame::csv::is_null_field(fields[i], o)) state.add(i, fields[i].text);
            }
          });
          emit(state.bytes());
        });
    auto merge = [](std::string a, const std::string& b) {
      frame::csv::InferState s(std::move(a));
      s.merge(frame::csv::InferState(b));
      return s.bytes();
    };
    types = frame::csv::InferState(states.aggregate(types.bytes(), merge, merge));
  }
  std::vector<Field> fields;
  for (std::size_t i = 0; i < width; ++i) fields.push_back({names[i], types.type(i).value_or(Type::kString), true});
  return Schema(std::move(fields));
}

struct CsvTable {
  detail::Runtime* rt = nullptr;
  bool driver = false;
  std::vector<std::string> paths;
  CsvOptions options;
  std::shared_ptr<const Schema> schema;  // the files' columns
};

// The scan of the table's `columns` (indices into its schema) that pass `filter` (bound to
// its schema; none: every row). The optimizer narrows it (read_columns) and pushes filters
// into it (push_filter): the columns the filter reads are converted first, and in PERMISSIVE
// mode the others only for the rows that pass.
DataFrame csv_frame(std::shared_ptr<const CsvTable> table, std::vector<std::size_t> columns,
                    std::shared_ptr<const frame::BoundExpr> filter) {
  auto batches = csv_source<std::string>(
      table->rt, table->paths, "csv",
      [table, columns, filter](const detail::TextSplit& split, detail::Emit<std::string> emit) {
        const CsvOptions& o = table->options;
        frame::csv::CsvBatchBuilder builder(*table->schema, o, columns, filter.get());
        const auto flush = [&] {
          const std::string& bytes = builder.finish();
          if (builder.finished_rows() > 0) emit(bytes);  // never an empty batch
        };
        for_each_record(split, o, [&](const std::vector<CsvField>& fields, bool unclosed, bool first_of_file) {
          if (o.header && first_of_file) return;
          builder.add(fields, unclosed);
          if (builder.full()) flush();
        });
        if (builder.rows() > 0) flush();
      });
  detail::ScanSpec spec;
  spec.format = "csv";
  spec.source = table->schema;
  spec.columns = std::move(columns);
  spec.filter = std::move(filter);
  spec.make = [table](std::vector<std::size_t> subset, std::shared_ptr<const frame::BoundExpr> f) {
    return csv_frame(table, std::move(subset), std::move(f));
  };
  spec.evaluates_filters = true;
  spec.optimize = table->rt->config().optimizer;
  return detail::scan_frame(std::move(spec), std::move(batches), table->driver);
}

}  // namespace

DataFrameReader Session::read() { return DataFrameReader(*this, runtime()); }

DataFrameReader& DataFrameReader::option(std::string_view key, std::string_view value) {
  options_.emplace_back(frame::ascii_lower(key), std::string(value));
  return *this;
}

DataFrameReader& DataFrameReader::schema(std::string_view ddl) {
  schema_ = frame::csv::parse_ddl_schema(ddl);
  return *this;
}

DataFrameReader& DataFrameReader::schema(Schema schema) {
  schema_ = std::move(schema);
  return *this;
}

DataFrame DataFrameReader::csv(const std::vector<std::string>& paths) const {
  const CsvOptions o = frame::csv::parse_csv_options(options_, false);
  if (paths.empty()) throw Error(ExitCode::kUsage, "csv: no input paths");
  auto table = std::make_shared<CsvTable>();
  table->rt = runtime_;
  table->driver = session_->is_driver();
  table->paths = paths;
  table->options = o;
  table->schema = std::make_shared<const Schema>(schema_ ? *schema_ : discover_schema(runtime_, paths, o));
  std::vector<std::size_t> all(table->schema->size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  return csv_frame(std::move(table), std::move(all), nullptr);
}

}  // namespace dataflow
