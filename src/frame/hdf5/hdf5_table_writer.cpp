// DataFrameWriter::hdf5: the frame as a 1-D compound dataset, a member per column, written by
// the engine's collective HDF5 writer (save_as_hdf5's staging, write and publication). Each
// task packs its batches' rows into the compound's memory layout: the members one after
// another, each a column's fixed-width values as the batch holds them.
#include <sys/stat.h>

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "api/engine.hpp"
#include "dataflow/frame_io.hpp"
#include "dataflow/ops/hdf5_save.hpp"
#include "frame/api/frame_data.hpp"
#include "frame/ascii_lower.hpp"
#include "frame/vector/record_batch.hpp"

namespace dataflow {
namespace {

using detail::h5::RecordType;
using detail::h5::Scalar;

// The compound member a column is written as (its values' bytes as the batch holds them).
Scalar member_type(const Field& f) {
  switch (f.type) {
    case Type::kBool:
      return Scalar::kU8;
    case Type::kInt32:
    case Type::kDate:
      return Scalar::kI32;
    case Type::kInt64:
    case Type::kTimestamp:
      return Scalar::kI64;
    case Type::kFloat32:
      return Scalar::kF32;
    case Type::kFloat64:
      return Scalar::kF64;
    case Type::kString:
      break;
  }
  throw JobError(ExitCode::kUsage, "write().hdf5: column \"" + f.name +
                                       "\" is a string; an HDF5 table holds numbers (drop it, or write CSV)");
}

std::string option_or(const std::vector<std::pair<std::string, std::string>>& options, const std::string& key,
                      std::string fallback) {
  for (const auto& [k, v] : options) {
    if (k == key) fallback = v;
  }
  return fallback;
}

std::uint64_t number_option(const std::vector<std::pair<std::string, std::string>>& options, const std::string& key,
                            const char* name, std::uint64_t fallback, std::uint64_t low, std::uint64_t high) {
  const std::string text = option_or(options, key, std::to_string(fallback));
  char* end = nullptr;
  const unsigned long long v = std::strtoull(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || text[0] == '-' || v < low || v > high) {
    throw JobError(ExitCode::kUsage, std::string("write().hdf5: option ") + name + " is '" + text + "' (" +
                                         std::to_string(low) + "-" + std::to_string(high) + ")");
  }
  return v;
}

}  // namespace

void DataFrameWriter::hdf5(const std::string& file, const std::string& dataset) const {
  const std::string mode = frame::ascii_lower(mode_);
  if (mode == "append") {
    throw JobError(ExitCode::kUsage,
                   "write().hdf5: mode append: a dataset is written whole (error, overwrite or ignore)");
  }
  hdf5::WriteOptions options;
  options.overwrite = mode == "overwrite";
  const std::string compression = frame::ascii_lower(option_or(options_, "compression", "none"));
  if (compression != "none" && compression != "gzip") {
    throw JobError(ExitCode::kUsage, "write().hdf5: option compression is '" + compression + "' (none or gzip)");
  }
  const auto level = number_option(options_, "compressionlevel", "compressionLevel", 6, 1, 9);
  options.gzip = compression == "gzip" ? static_cast<int>(level) : 0;
  options.chunk_rows = number_option(options_, "chunkrows", "chunkRows", 0, 0, std::uint64_t{1} << 40);

  RecordType type;
  type.shape = detail::h5::Shape::kCompound;
  for (const Field& f : schema_->fields()) {
    for (const auto& earlier : type.fields) {
      if (earlier.name == f.name) {
        throw JobError(ExitCode::kUsage, "write().hdf5: two columns are named \"" + f.name +
                                             "\"; a compound's members need distinct names (rename one: "
                                             "with_column_renamed or alias)");
      }
    }
    const Scalar s = member_type(f);
    type.fields.push_back({f.name, s, type.size});
    type.size += detail::h5::scalar_size(s);
  }
  if (type.fields.empty()) throw JobError(ExitCode::kUsage, "write().hdf5: the frame has no columns");

  if (mode == "ignore") {  // the driver looks, every rank does as it saw
    detail::Runtime* rt = detail::Engine::instance();
    struct stat st {};
    std::string exists = rt->is_driver() && ::stat(file.c_str(), &st) == 0 ? "y" : "n";
    if (rt->broadcast_bytes(std::move(exists)) == "y") return;
  }

  auto schema = schema_;
  data_->batches->save_hdf5_staged(
      file, dataset, type, options,
      [schema, type](const std::string& bytes, detail::h5::StagingFile& staged, std::uint64_t& rows, std::uint64_t&) {
        const frame::RecordBatch batch = frame::decode_batch(bytes, *schema);
        std::string packed(std::size_t{batch.rows} * type.size, '\0');
        for (std::size_t c = 0; c < batch.columns.size(); ++c) {
          const frame::Vector& v = batch.columns[c];
          if (!v.validity.empty()) {
            for (std::uint32_t i = 0; i < v.size; ++i) {
              if (!v.valid(i)) {
                throw Error(ExitCode::kDataError,
                            "write().hdf5: column \"" + (*schema)[c].name +
                                "\" holds a null, which an HDF5 compound member cannot; drop or fill the nulls "
                                "first (df.filter(col(\"" +
                                (*schema)[c].name + "\").is_not_null()), or F::coalesce with a value)");
              }
            }
          }
          const std::size_t width = frame::value_width(v.type);
          const char* from = v.data.data();
          char* to = packed.data() + type.fields[c].offset;
          for (std::uint32_t i = 0; i < batch.rows; ++i) std::memcpy(to + i * type.size, from + i * width, width);
        }
        staged.append(packed.data(), packed.size());
        rows += batch.rows;
      });
}

}  // namespace dataflow
