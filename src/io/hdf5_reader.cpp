// HDF5 sources: checks and splits on the driver, hyperslab reads in the tasks.
#include "io/hdf5_reader.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <utility>

#include "io/hdf5_convert.hpp"
#include "io/hdf5_handle.hpp"
#include "io/text_splits.hpp"

namespace dataflow::io::h5 {
namespace {

using detail::h5::Piece;
using detail::h5::RecordType;
using detail::h5::Shape;
using detail::h5::Split;

// Rows one read converts at most (a multiple of the chunk rows when chunked).
constexpr std::uint64_t kBatchBytes = std::uint64_t{4} << 20;

std::string shape_text(const std::vector<hsize_t>& dims) {
  std::string s = "(";
  for (std::size_t i = 0; i < dims.size(); ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + (dims.size() == 1 ? ",)" : ")");
}

std::string expected_shape(const RecordType& type) {
  if (type.shape != Shape::kRows) return "(n,)";
  return type.columns ? "(n, " + std::to_string(type.columns) + ")" : "(n, m)";
}

std::uint64_t memory_row_bytes(const RecordType& type, std::uint64_t columns, hid_t memory_type) {
  switch (type.shape) {
    case Shape::kRows:
      return detail::h5::scalar_size(type.element) * std::max<std::uint64_t>(columns, 1);
    case Shape::kCompound:
      return type.size;
    default:
      return H5Tget_size(memory_type);
  }
}

// A dataset opened for reading, with what the checks found.
struct Opened {
  Hid file, dataset, file_type;
  DatasetInfo info;
  bool contiguous = false;  // one unfiltered block of raw data in the file itself
};

Opened open_checked(const std::string& path, const std::string& name, const RecordType& type) {
  Opened o;
  o.file = open_for_read(path);
  o.dataset = open_dataset(o.file, path, name);
  const std::string where = "HDF5 input " + path + ", dataset " + name;
  Hid space = owned(H5Dget_space(o.dataset), where);
  const H5S_class_t kind = H5Sget_simple_extent_type(space);
  std::vector<hsize_t> dims;
  if (kind == H5S_SIMPLE) {
    const int rank = H5Sget_simple_extent_ndims(space);
    dims.resize(static_cast<std::size_t>(std::max(rank, 0)));
    check(H5Sget_simple_extent_dims(space, dims.data(), nullptr), where);
  } else if (kind == H5S_SCALAR) {
    throw Error(ExitCode::kDataError,
                where + ": a scalar (shape ()), where a dataset of shape " + expected_shape(type) + " is expected");
  } else {
    dims = {0};  // H5S_NULL: no elements
  }
  const std::size_t want_rank = type.shape == Shape::kRows ? 2 : 1;
  const bool columns_differ =
      type.shape == Shape::kRows && dims.size() == 2 && type.columns != 0 && dims[1] != type.columns;
  if (dims.size() != want_rank || columns_differ) {
    throw Error(ExitCode::kDataError, where + ": shape " + shape_text(dims) + ", where " + expected_shape(type) +
                                          " is expected (records of " + type.describe() + ")");
  }
  o.file_type = owned(H5Dget_type(o.dataset), where);
  check_readable(o.file_type, type, where);
  Hid dcpl = owned(H5Dget_create_plist(o.dataset), where);
  const int filters = H5Pget_nfilters(dcpl);
  for (int i = 0; i < filters; ++i) {
    unsigned flags = 0, config = 0;
    std::size_t values = 0;
    char filter_name[64] = {0};
    const H5Z_filter_t id = H5Pget_filter2(dcpl, static_cast<unsigned>(i), &flags, &values, nullptr, sizeof filter_name,
                                           filter_name, &config);
    if (id < 0) fail(ExitCode::kDataError, where);
    if (H5Zfilter_avail(id) <= 0) {
      H5Eclear2(H5E_DEFAULT);
      throw Error(ExitCode::kDataError,
                  where + ": it is compressed with HDF5 filter " + std::to_string(id) +
                      (filter_name[0] ? std::string(" (") + filter_name + ")" : std::string()) +
                      ", which this HDF5 cannot decode: install its plugin and set HDF5_PLUGIN_PATH");
    }
  }
  o.info.rows = dims[0];
  o.info.columns = dims.size() == 2 ? dims[1] : 0;
  o.info.row_bytes = H5Tget_size(o.file_type) * std::max<std::uint64_t>(o.info.columns, 1);
  if (o.info.row_bytes == 0) o.info.row_bytes = 1;
  const H5D_layout_t layout = H5Pget_layout(dcpl);
  o.contiguous = layout == H5D_CONTIGUOUS && filters == 0 && H5Pget_external_count(dcpl) == 0;
  if (layout == H5D_CHUNKED) {
    hsize_t chunk[2] = {0, 0};
    if (H5Pget_chunk(dcpl, 2, chunk) >= 1) o.info.chunk_rows = chunk[0];
  }
  return o;
}

// pread of exactly n bytes; a short file is kDataError (truncated since planning).
void read_at(int fd, void* out, std::uint64_t n, std::uint64_t offset, const std::string& where) {
  auto* p = static_cast<char*>(out);
  while (n > 0) {
    const ssize_t got = ::pread(fd, p, n, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) throw Error(ExitCode::kIoError, where + ": cannot read: " + std::strerror(errno));
    if (got == 0) throw Error(ExitCode::kDataError, where + ": the file ends before the dataset's data (truncated?)");
    p += got;
    n -= static_cast<std::uint64_t>(got);
    offset += static_cast<std::uint64_t>(got);
  }
}

}  // namespace

DatasetInfo inspect(const std::string& path, const std::string& dataset, const RecordType& type) {
  auto held = lock();
  return open_checked(path, dataset, type).info;
}

TableLayout inspect_table(const std::string& path, const std::string& dataset) {
  auto held = lock();
  const Hid file = open_for_read(path);
  const Hid d = open_dataset(file, path, dataset);
  const std::string where = "HDF5 input " + path + ", dataset " + dataset;
  const Hid type = owned(H5Dget_type(d), where);
  TableLayout t;
  if (H5Tget_class(type) != H5T_COMPOUND) {
    const auto s = natural_scalar(type);
    if (!s) {
      throw Error(ExitCode::kDataError, where + ": the file holds " + describe(type) +
                                            "; a DataFrame reads a dataset of numbers or of compounds of numbers");
    }
    t.columns.push_back({"value", *s});
    return t;
  }
  t.compound = true;
  const int members = H5Tget_nmembers(type);
  if (members < 0) fail(ExitCode::kDataError, where);
  for (int i = 0; i < members; ++i) {
    char* raw = H5Tget_member_name(type, static_cast<unsigned>(i));
    if (raw == nullptr) fail(ExitCode::kDataError, where);
    const std::string name = raw;
    H5free_memory(raw);
    const Hid member = owned(H5Tget_member_type(type, static_cast<unsigned>(i)), where);
    const auto s = natural_scalar(member);
    if (!s) {
      throw Error(ExitCode::kDataError,
                  where + ": member \"" + name + "\" is " + describe(member) +
                      "; a DataFrame reads compound members that are numbers (session.hdf5<S> with a "
                      "Compound<S> reads chosen members of such a compound)");
    }
    t.columns.push_back({name, *s});
  }
  return t;
}

std::vector<std::string> plan_splits(const std::vector<std::string>& files, const std::string& dataset,
                                     const RecordType& type, std::uint64_t split_size, std::uint32_t slots) {
  std::vector<DatasetInfo> infos;
  std::uint64_t total = 0, columns = 0;
  for (const std::string& f : files) {
    infos.push_back(inspect(f, dataset, type));
    const DatasetInfo& d = infos.back();
    total += d.rows * d.row_bytes + kOpenCostBytes;
    if (type.shape == Shape::kRows && d.rows > 0) {
      if (columns != 0 && d.columns != columns) {
        throw Error(ExitCode::kDataError, "HDF5 input " + f + ", dataset " + dataset + ": " +
                                              std::to_string(d.columns) + " columns, where the files before have " +
                                              std::to_string(columns));
      }
      columns = d.columns;
    }
  }
  const std::uint64_t limit = std::max<std::uint64_t>(
      1, std::min(split_size, std::max(kOpenCostBytes, total / std::max<std::uint32_t>(slots, 1))));
  std::vector<std::string> out;
  Split current;
  std::uint64_t cost = 0;
  auto close = [&] {
    if (current.pieces.empty()) return;
    out.push_back(detail::h5::encode(current));
    current.pieces.clear();
    cost = 0;
  };
  current.dataset = dataset;
  current.columns = columns;
  for (std::size_t i = 0; i < files.size(); ++i) {
    const DatasetInfo& d = infos[i];
    std::uint64_t step = std::max<std::uint64_t>(1, limit / d.row_bytes);
    if (d.chunk_rows > 0) step = (step + d.chunk_rows - 1) / d.chunk_rows * d.chunk_rows;
    for (std::uint64_t start = 0; start < d.rows; start += step) {
      const std::uint64_t rows = std::min(step, d.rows - start);
      const std::uint64_t piece_cost = rows * d.row_bytes + kOpenCostBytes;
      if (!current.pieces.empty() && cost + piece_cost > limit) close();
      current.pieces.push_back({files[i], start, rows});
      cost += piece_cost;
    }
  }
  close();
  return out;
}

}  // namespace dataflow::io::h5

namespace dataflow::detail::h5 {

void read_split(std::string_view encoded, const RecordType& type, const BatchFn& f) {
  using io::h5::Hid;
  const Split split = decode_split(encoded);
  auto held = io::h5::lock();
  std::string open_path;
  io::h5::Opened o;
  Hid memory_type;
  std::vector<std::max_align_t> buffer;  // reused across batches
  std::vector<std::string_view> views;
  // A contiguous dataset whose file type is the memory type is read with pread, outside the
  // HDF5 lock: tasks on several threads then read at once (HDF5 would convert nothing).
  struct Raw {
    int fd = -1;
    std::uint64_t offset = 0;
    ~Raw() {
      if (fd >= 0) ::close(fd);
    }
  } raw;
  for (const Piece& piece : split.pieces) {
    if (piece.path != open_path) {
      o = io::h5::open_checked(piece.path, split.dataset, type);
      memory_type = io::h5::memory_type(o.file_type, type);
      open_path = piece.path;
      if (raw.fd >= 0) ::close(std::exchange(raw.fd, -1));
      // (Only when allocated and as large as its rows: H5Dget_offset of an unwritten dataset
      // in a file with a user block is not HADDR_UNDEF.)
      H5D_space_status_t allocated = H5D_SPACE_STATUS_ERROR;
      const bool whole = o.contiguous && H5Dget_space_status(o.dataset, &allocated) >= 0 &&
                         allocated == H5D_SPACE_STATUS_ALLOCATED &&
                         H5Dget_storage_size(o.dataset) == o.info.rows * o.info.row_bytes;
      const haddr_t at = whole ? H5Dget_offset(o.dataset) : HADDR_UNDEF;
      H5Eclear2(H5E_DEFAULT);
      if (at != HADDR_UNDEF && (type.shape == Shape::kValues || type.shape == Shape::kRows) &&
          H5Tequal(o.file_type, memory_type) > 0) {
        raw.fd = ::open(piece.path.c_str(), O_RDONLY | O_CLOEXEC);
        raw.offset = at;
      }
    }
    const std::string where = "HDF5 input " + piece.path + ", dataset " + split.dataset;
    if (piece.start + piece.rows > o.info.rows) {
      throw Error(ExitCode::kDataError,
                  where + ": it has " + std::to_string(o.info.rows) + " rows now, fewer than when the job was planned");
    }
    const std::uint64_t columns = o.info.columns;
    const std::uint64_t row_bytes = io::h5::memory_row_bytes(type, columns, memory_type);
    std::uint64_t batch = std::max<std::uint64_t>(1, io::h5::kBatchBytes / row_bytes);
    if (o.info.chunk_rows > 0) {  // whole chunks: each decompressed once
      batch = batch > o.info.chunk_rows ? batch - batch % o.info.chunk_rows : o.info.chunk_rows;
    }
    batch = std::min(batch, piece.rows);
    buffer.resize((batch * row_bytes + sizeof(std::max_align_t) - 1) / sizeof(std::max_align_t));
    Hid file_space = io::h5::owned(H5Dget_space(o.dataset), where);
    const bool variable = type.shape == Shape::kStrings && H5Tis_variable_str(memory_type) > 0;
    const std::size_t string_size = type.shape == Shape::kStrings ? H5Tget_size(memory_type) : 0;
    const H5T_str_t pad = type.shape == Shape::kStrings && !variable ? H5Tget_strpad(memory_type) : H5T_STR_NULLTERM;
    for (std::uint64_t at = piece.start; at < piece.start + piece.rows; at += batch) {
      const std::uint64_t n = std::min(batch, piece.start + piece.rows - at);
      const hsize_t start[2] = {at, 0};
      const hsize_t count[2] = {n, columns};
      const int rank = columns > 0 ? 2 : 1;
      if (raw.fd >= 0) {
        held.unlock();
        try {
          io::h5::read_at(raw.fd, buffer.data(), n * row_bytes, raw.offset + at * row_bytes, where);
          f(buffer.data(), n, columns);
        } catch (...) {
          held.lock();  // the handles close under the lock
          throw;
        }
        held.lock();
        continue;
      }
      io::h5::check_status(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, nullptr, count, nullptr), where);
      Hid memory_space = io::h5::owned(H5Screate_simple(rank, count, nullptr), where);
      io::h5::check_status(H5Dread(o.dataset, memory_type, memory_space, file_space, H5P_DEFAULT, buffer.data()),
                           where + ": cannot read rows " + std::to_string(at) + "-" + std::to_string(at + n),
                           ExitCode::kIoError);
      const void* data = buffer.data();
      if (type.shape == Shape::kStrings) {
        views.resize(n);
        if (variable) {
          auto* ptrs = reinterpret_cast<char* const*>(buffer.data());
          for (std::uint64_t i = 0; i < n; ++i) views[i] = ptrs[i] ? std::string_view(ptrs[i]) : std::string_view();
        } else {
          const char* base = reinterpret_cast<const char*>(buffer.data());
          for (std::uint64_t i = 0; i < n; ++i) {
            std::string_view s(base + i * string_size, string_size);
            if (pad == H5T_STR_SPACEPAD) {
              while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
            } else if (auto nul = s.find('\0'); nul != std::string_view::npos) {
              s = s.substr(0, nul);
            }
            views[i] = s;
          }
        }
        data = views.data();
      }
      held.unlock();  // the records are handled while other threads read
      try {
        f(data, n, columns);
      } catch (...) {
        held.lock();
        if (variable) H5Dvlen_reclaim(memory_type, memory_space, H5P_DEFAULT, buffer.data());
        throw;
      }
      held.lock();
      if (variable) H5Dvlen_reclaim(memory_type, memory_space, H5P_DEFAULT, buffer.data());
    }
  }
}

}  // namespace dataflow::detail::h5
