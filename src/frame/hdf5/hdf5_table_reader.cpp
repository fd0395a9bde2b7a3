// DataFrameReader::hdf5: a 1-D dataset of compounds of numbers (or of numbers) as a DataFrame.
// The read is the typed reader's (its splits, type rules and errors); a task turns the rows
// each read gives into column batches, member by member. The frame keeps how to read fewer
// members, so that a select right after the read narrows the scan (FrameData::read_columns).
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dataflow/frame_io.hpp"
#include "frame/api/frame_data.hpp"
#include "frame/expr/bound_expr.hpp"
#include "frame/optimizer/predicate.hpp"
#include "frame/vector/record_batch.hpp"
#include "io/hdf5_reader.hpp"
#include "io/input_paths.hpp"

namespace dataflow {
namespace {

using detail::h5::RecordType;
using detail::h5::Scalar;
using detail::h5::Shape;

// The column type of a member whose values fit `s`, and the memory type it is read as.
std::pair<Type, Scalar> column_type(const io::h5::TableColumn& c, const std::string& where) {
  switch (c.type) {
    case Scalar::kI8:
    case Scalar::kI16:
    case Scalar::kI32:
    case Scalar::kU8:
    case Scalar::kU16:
      return {Type::kInt32, Scalar::kI32};
    case Scalar::kI64:
    case Scalar::kU32:
      return {Type::kInt64, Scalar::kI64};
    case Scalar::kF32:
      return {Type::kFloat32, Scalar::kF32};
    case Scalar::kF64:
      return {Type::kFloat64, Scalar::kF64};
    case Scalar::kU64:
      break;
  }
  throw JobError(ExitCode::kDataError, where + ": member \"" + c.name +
                                           "\" is uint64, which no column type holds (long is signed 64-bit); "
                                           "read it with session.hdf5<S> into a std::uint64_t member");
}

// A layout as bytes, for the driver's broadcast: [u8 compound] then per column [u8 scalar]
// [u32 name length][name].
std::string encode_layout(const io::h5::TableLayout& t) {
  std::string out(1, t.compound ? '\1' : '\0');
  for (const io::h5::TableColumn& c : t.columns) {
    out.push_back(static_cast<char>(c.type));
    const auto n = static_cast<std::uint32_t>(c.name.size());
    out.append(reinterpret_cast<const char*>(&n), sizeof n);
    out += c.name;
  }
  return out;
}

io::h5::TableLayout decode_layout(std::string_view b) {
  io::h5::TableLayout t;
  t.compound = b.at(0) != '\0';
  for (std::size_t at = 1; at < b.size();) {
    io::h5::TableColumn& c = t.columns.emplace_back();
    c.type = static_cast<Scalar>(b.at(at));
    std::uint32_t n = 0;
    std::memcpy(&n, b.substr(at + 1, sizeof n).data(), sizeof n);
    c.name = std::string(b.substr(at + 1 + sizeof n, n));
    at += 1 + sizeof n + n;
  }
  return t;
}

struct Table {
  detail::Runtime* rt = nullptr;
  bool driver = false;
  std::vector<std::string> paths;
  std::string dataset;
  io::h5::TableLayout layout;
};

// The frame of `members` (indices into the layout's columns) of the table's rows that pass
// `filter` (over the layout's columns; none: every row). The scan reads the members and the
// columns only the filter reads, evaluates it on each batch, and keeps the members.
DataFrame table_frame(std::shared_ptr<const Table> table, const std::vector<std::size_t>& members,
                      std::shared_ptr<const frame::BoundExpr> filter) {
  const std::string where = "HDF5 input " + table->paths.front() + ", dataset " + table->dataset;
  std::vector<bool> wanted(table->layout.columns.size());
  for (std::size_t m : members) wanted[m] = true;
  if (filter) frame::mark_columns(*filter, wanted);
  std::vector<std::size_t> read, position(wanted.size());
  for (std::size_t c = 0; c < wanted.size(); ++c) {
    if (!wanted[c]) continue;
    position[c] = read.size();
    read.push_back(c);
  }
  std::vector<std::size_t> kept;  // each member's column in the batch read
  bool identity = members.size() == read.size();
  for (std::size_t m : members) {
    identity = identity && position[m] == kept.size();
    kept.push_back(position[m]);
  }
  std::optional<frame::BoundExpr> predicate;
  if (filter) predicate = frame::remap_columns(*filter, position);
  RecordType type;
  std::vector<Field> fields;
  std::uint32_t offset = 0;
  for (std::size_t m : read) {
    const io::h5::TableColumn& c = table->layout.columns[m];
    const auto [column, memory] = column_type(c, where);
    fields.push_back({c.name, column, false});
    type.fields.push_back({c.name, memory, offset});
    offset += detail::h5::scalar_size(memory);
  }
  if (table->layout.compound) {
    type.shape = Shape::kCompound;
    type.size = offset;  // packed: the members one after another
  } else {
    type.shape = Shape::kValues;
    type.element = type.fields.front().type;
    type.fields.clear();
  }
  auto schema = std::make_shared<const Schema>(std::move(fields));  // of the batch read

  std::string label = "hdf5(";
  for (std::size_t i = 0; i < table->paths.size(); ++i) label += (i ? ", " : "") + table->paths[i];
  label += ":" + table->dataset + ", " + type.describe() + ")";
  detail::NodeSpec spec{detail::OpKind::kHdf5, {}, std::move(label)};
  spec.paths = table->paths;
  spec.dataset = table->dataset;
  spec.record_type = detail::h5::encode(type);
  const int node = table->rt->add_node(std::move(spec));
  auto producer = std::make_shared<const detail::Producer<std::string>>(
      [node, type, schema, kept, predicate, identity](detail::TaskContext& ctx, detail::Emit<std::string> emit) {
        std::string bytes;
        detail::h5::read_split(ctx.input(node).slice, type, [&](const void* data, std::uint64_t rows, std::uint64_t) {
          const char* p = static_cast<const char*>(data);
          const std::size_t stride = type.shape == Shape::kCompound ? type.size : detail::h5::scalar_size(type.element);
          for (std::uint64_t start = 0; start < rows; start += frame::kBatchRows) {
            const auto n = static_cast<std::uint32_t>(std::min<std::uint64_t>(frame::kBatchRows, rows - start));
            const char* first = p + start * stride;
            frame::RecordBatch batch;
            batch.rows = n;
            for (std::size_t c = 0; c < schema->size(); ++c) {
              frame::Vector& v = batch.columns.emplace_back();
              v.type = (*schema)[c].type;
              v.size = n;
              const std::size_t width = frame::value_width(v.type);
              v.data.resize(std::size_t{n} * width);
              if (type.shape != Shape::kCompound) {
                std::memcpy(v.data.data(), first, v.data.size());
                continue;
              }
              const char* member = first + type.fields[c].offset;
              for (std::uint32_t i = 0; i < n; ++i) std::memcpy(&v.data[i * width], member + i * stride, width);
            }
            if (predicate) {  // a pushed filter: its rows
              const std::vector<std::uint32_t> pass = frame::select_true(*predicate, batch);
              if (pass.empty()) continue;  // a frame has no empty batch
              if (pass.size() < batch.rows) batch = frame::gather(batch, pass);
            }
            if (!identity) {  // the members, in their order
              frame::RecordBatch out;
              out.rows = batch.rows;
              for (std::size_t c : kept) out.columns.push_back(std::move(batch.columns[c]));
              batch = std::move(out);
            }
            bytes.clear();
            frame::encode_batch(batch, bytes);
            emit(bytes);
          }
        });
      });
  Dataset<std::string> batches(table->rt, node, std::move(producer));
  detail::ScanSpec scan;
  scan.format = "hdf5 " + table->dataset;
  std::vector<Field> source;
  for (const io::h5::TableColumn& c : table->layout.columns)
    source.push_back({c.name, column_type(c, where).first, false});
  scan.source = std::make_shared<const Schema>(std::move(source));
  scan.columns = members;
  scan.filter = std::move(filter);
  scan.make = [table](std::vector<std::size_t> subset, std::shared_ptr<const frame::BoundExpr> f) {
    return table_frame(table, subset, std::move(f));
  };
  scan.evaluates_filters = true;
  scan.optimize = table->rt->config().optimizer;
  return detail::scan_frame(std::move(scan), std::move(batches), table->driver);
}

}  // namespace

DataFrame DataFrameReader::hdf5(const std::vector<std::string>& paths, const std::string& dataset) const {
  if (paths.empty()) throw Error(ExitCode::kUsage, "hdf5: no input paths");
  auto table = std::make_shared<Table>();
  table->rt = runtime_;
  table->driver = session_->is_driver();
  table->paths = paths;
  table->dataset = dataset;
  // The driver reads the first file's type and tells every rank what it found, the layout or
  // the error, so that all build the same frame or fail alike (a rank's own look could differ).
  std::string verdict;
  if (runtime_->is_driver()) {
    try {
      const std::vector<io::InputFile> files = io::expand_inputs(paths);
      if (files.empty()) throw Error(ExitCode::kNoInput, "hdf5: no input files in " + paths.front());
      verdict = "l" + encode_layout(io::h5::inspect_table(files.front().path, dataset));
    } catch (const Error& e) {
      verdict = "e" + std::to_string(static_cast<int>(e.code())) + ":" + e.what();
    }
  }
  verdict = runtime_->broadcast_bytes(std::move(verdict));
  if (verdict.empty() || verdict[0] != 'l') {
    const std::size_t colon = verdict.find(':');
    throw JobError(static_cast<ExitCode>(std::atoi(verdict.c_str() + 1)), verdict.substr(colon + 1));
  }
  table->layout = decode_layout(std::string_view(verdict).substr(1));
  std::vector<std::size_t> all(table->layout.columns.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  return table_frame(std::move(table), all, nullptr);
}

}  // namespace dataflow
