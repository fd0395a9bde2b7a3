// save_as_hdf5: one file from the staged partitions, written collectively under MPI.
#include "io/hdf5_writer.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>

#include "dataflow/version.hpp"
#include "io/hdf5_convert.hpp"
#include "io/hdf5_handle.hpp"
#include "result/output_committer.hpp"

namespace dataflow::io::h5 {
namespace {

using detail::h5::Shape;
using detail::h5::Staged;
using detail::h5::WriteSpec;

constexpr std::uint64_t kRoundBytes = std::uint64_t{16} << 20;  // per rank and round
constexpr std::uint64_t kChunkBytes = std::uint64_t{1} << 20;

// A staging file read front to back.
class StagedReader {
 public:
  explicit StagedReader(const std::string& path) : path_(path) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw Error(ExitCode::kIoError, "cannot open staged partition " + path + ": " + std::strerror(errno));
  }
  ~StagedReader() { ::close(fd_); }
  StagedReader(const StagedReader&) = delete;
  StagedReader& operator=(const StagedReader&) = delete;

  void read(void* out, std::size_t n) {
    auto* p = static_cast<char*>(out);
    while (n > 0) {
      const ssize_t got = ::read(fd_, p, n);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        throw Error(ExitCode::kIoError, "cannot read staged partition " + path_ + ": " +
                                            (got < 0 ? std::strerror(errno) : "it is shorter than staged"));
      }
      p += got;
      n -= static_cast<std::size_t>(got);
    }
  }

 private:
  std::string path_;
  int fd_ = -1;
};

// One collective write's share of this rank: rows [offset, offset + rows) of the dataset,
// the next `rows` records of staged partition `part`.
struct Batch {
  std::size_t part = 0;
  std::uint64_t offset = 0;
  std::uint64_t rows = 0;
};

// Structs (spec.size bytes each) into the packed compound of their fields, in order.
void pack(const detail::h5::RecordType& type, const char* structs, std::uint64_t rows, std::string& out) {
  std::size_t packed = 0;
  for (const auto& f : type.fields) packed += detail::h5::scalar_size(f.type);
  out.resize(rows * packed);
  char* to = out.data();
  for (std::uint64_t i = 0; i < rows; ++i) {
    const char* row = structs + i * type.size;
    for (const auto& f : type.fields) {
      const std::size_t n = detail::h5::scalar_size(f.type);
      std::memcpy(to, row + f.offset, n);
      to += n;
    }
  }
}

std::uint64_t row_bytes_of(const WriteSpec& spec, std::uint64_t columns) {
  switch (spec.type.shape) {
    case Shape::kValues:
      return detail::h5::scalar_size(spec.type.element);
    case Shape::kRows:
      return detail::h5::scalar_size(spec.type.element) * std::max<std::uint64_t>(columns, 1);
    case Shape::kCompound:
      return spec.type.size;
    case Shape::kStrings:
      return std::max<std::uint64_t>(columns, 1);  // the longest string's bytes
  }
  return 1;
}

// Creates the dataset in `file` and writes every rank's batches into it.
void write_dataset(const WriteSpec& spec, const std::vector<Staged>& parts, const std::string& where, bool parallel,
                   int rank, std::uint64_t total, std::uint64_t columns, hid_t file, Hid& dataset) {
  const std::uint64_t row_bytes = row_bytes_of(spec, columns);
  const bool two_d = spec.type.shape == Shape::kRows;
  const int dims_rank = two_d ? 2 : 1;
  if (!two_d) columns = 0;  // strings: `columns` was their length
  const hsize_t dims[2] = {total, columns};
  const hsize_t max_dims[2] = {H5S_UNLIMITED, two_d && columns == 0 ? H5S_UNLIMITED : columns};
  Hid space = owned(H5Screate_simple(dims_rank, dims, max_dims), where, ExitCode::kSoftware);
  Hid dcpl = owned(H5Pcreate(H5P_DATASET_CREATE), where, ExitCode::kSoftware);
  const std::uint64_t chunk_rows =
      spec.chunk_rows ? spec.chunk_rows
                      : std::max<std::uint64_t>(1, kChunkBytes / std::max<std::uint64_t>(row_bytes, 1));
  const hsize_t chunk[2] = {chunk_rows, std::max<hsize_t>(columns, 1)};
  check_status(H5Pset_chunk(dcpl, dims_rank, chunk), where + ": chunk layout", ExitCode::kUsage);
  check_status(H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER), where, ExitCode::kSoftware);  // all is written
  if (spec.gzip > 0) check_status(H5Pset_deflate(dcpl, static_cast<unsigned>(spec.gzip)), where, ExitCode::kUsage);
  Hid lcpl = owned(H5Pcreate(H5P_LINK_CREATE), where, ExitCode::kSoftware);
  check_status(H5Pset_create_intermediate_group(lcpl, 1), where, ExitCode::kSoftware);
  Hid file_type = file_type_for_write(spec.type, row_bytes);
  Hid memory_type = memory_type_for_write(spec.type, row_bytes);
  dataset = owned(H5Dcreate2(file, spec.dataset.c_str(), file_type, space, lcpl, dcpl, H5P_DEFAULT),
                  where + ": cannot create the dataset", ExitCode::kIoError);

  // The producer, as attributes: every rank writes the same values (collective).
  {
    const std::string producer = "libdataflow " DATAFLOW_VERSION;
    Hid scalar = owned(H5Screate(H5S_SCALAR), where, ExitCode::kSoftware);
    Hid text = owned(H5Tcopy(H5T_C_S1), where, ExitCode::kSoftware);
    check_status(H5Tset_size(text, producer.size() + 1), where, ExitCode::kSoftware);  // with its NUL
    Hid a = owned(H5Acreate2(dataset, "producer", text, scalar, H5P_DEFAULT, H5P_DEFAULT), where, ExitCode::kIoError);
    check_status(H5Awrite(a, text, producer.c_str()), where, ExitCode::kIoError);
    Hid b = owned(H5Acreate2(dataset, "record_count", H5T_STD_U64LE, scalar, H5P_DEFAULT, H5P_DEFAULT), where,
                  ExitCode::kIoError);
    const std::uint64_t count = total;
    check_status(H5Awrite(b, H5T_NATIVE_UINT64, &count), where, ExitCode::kIoError);
  }

  // Every rank's batches, from the list all ranks share: the rounds need no messages.
  std::vector<std::vector<Batch>> batches_of(1);
  const std::uint64_t round_rows = std::max<std::uint64_t>(1, kRoundBytes / std::max<std::uint64_t>(row_bytes, 1));
  {
    int ranks = 1;
    for (const Staged& s : parts) ranks = std::max(ranks, s.rank + 1);
    batches_of.resize(static_cast<std::size_t>(std::max(ranks, rank + 1)));
    std::uint64_t offset = 0;
    for (std::size_t p = 0; p < parts.size(); ++p) {
      const std::size_t owner = parallel ? static_cast<std::size_t>(parts[p].rank) : 0;
      for (std::uint64_t done = 0; done < parts[p].rows; done += round_rows) {
        batches_of[owner].push_back({p, offset + done, std::min(round_rows, parts[p].rows - done)});
      }
      offset += parts[p].rows;
    }
  }
  std::size_t rounds = 0;
  for (const auto& b : batches_of) rounds = std::max(rounds, b.size());
  const std::vector<Batch>& mine = batches_of[parallel ? static_cast<std::size_t>(rank) : 0];

  Hid dxpl = owned(H5Pcreate(H5P_DATASET_XFER), where, ExitCode::kSoftware);
  if (parallel) check_status(H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE), where, ExitCode::kSoftware);
  Hid file_space = owned(H5Dget_space(dataset), where, ExitCode::kSoftware);
  std::vector<std::max_align_t> buffer;
  std::string text;
  std::string packed;
  std::unique_ptr<StagedReader> reader;
  std::size_t reader_part = parts.size();
  for (std::size_t r = 0; r < rounds; ++r) {
    hsize_t count[2] = {0, columns};
    const void* data = buffer.data();
    Hid memory_space;
    if (r < mine.size()) {
      const Batch& b = mine[r];
      if (b.part != reader_part) {
        reader = std::make_unique<StagedReader>(parts[b.part].path);
        reader_part = b.part;
      }
      count[0] = b.rows;
      if (spec.type.shape == Shape::kStrings) {  // each padded with NULs to row_bytes
        text.assign(b.rows * row_bytes, '\0');
        for (std::uint64_t i = 0; i < b.rows; ++i) {
          std::uint64_t n = 0;
          reader->read(&n, sizeof n);
          if (n > row_bytes) throw Error(ExitCode::kSoftware, where + ": a staged string is longer than staged");
          if (n) reader->read(text.data() + i * row_bytes, n);
        }
        data = text.data();
      } else {
        const std::uint64_t bytes = b.rows * row_bytes;
        buffer.resize((bytes + sizeof(std::max_align_t) - 1) / sizeof(std::max_align_t) + 1);
        reader->read(buffer.data(), bytes);
        data = buffer.data();
        if (spec.type.shape == Shape::kCompound) {  // struct layout -> the file's packed fields
          pack(spec.type, reinterpret_cast<const char*>(buffer.data()), b.rows, packed);
          data = packed.data();
        }
      }
      const hsize_t start[2] = {b.offset, 0};
      check_status(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, nullptr, count, nullptr), where,
                   ExitCode::kSoftware);
      memory_space = owned(H5Screate_simple(dims_rank, count, nullptr), where, ExitCode::kSoftware);
    } else {  // nothing left here: join the collective write with an empty selection
      check_status(H5Sselect_none(file_space), where, ExitCode::kSoftware);
      const hsize_t one[2] = {1, std::max<hsize_t>(columns, 1)};
      memory_space = owned(H5Screate_simple(dims_rank, one, nullptr), where, ExitCode::kSoftware);
      check_status(H5Sselect_none(memory_space), where, ExitCode::kSoftware);
      buffer.resize(std::max<std::size_t>(buffer.size(), 1));
      data = buffer.data();
    }
    check_status(H5Dwrite(dataset, memory_type, memory_space, file_space, dxpl, data), where + ": cannot write",
                 ExitCode::kIoError);
  }
}

}  // namespace

void write_file(const WriteSpec& spec, const std::vector<Staged>& parts, const std::string& path, bool parallel,
                int rank) {
  auto held = lock();
  const std::string where = "HDF5 output " + path + ", dataset " + spec.dataset;
  std::uint64_t total = 0, columns = spec.type.columns;
  bool seen = spec.type.columns != 0;  // a row length to hold every row to
  for (const Staged& s : parts) {
    total += s.rows;
    if (spec.type.shape == Shape::kStrings) columns = std::max(columns, s.columns);
    if (spec.type.shape == Shape::kRows && s.rows > 0) {
      if (!seen) columns = s.columns;
      seen = true;
      if (s.columns != columns) {
        throw JobError(ExitCode::kDataError, where + ": rows of " + std::to_string(s.columns) + " and of " +
                                                 std::to_string(columns) + " values; a 2-D dataset needs rows alike");
      }
    }
  }
  Hid fapl = owned(H5Pcreate(H5P_FILE_ACCESS), where, ExitCode::kSoftware);
  if (parallel) check_status(H5Pset_fapl_mpio(fapl, MPI_COMM_WORLD, MPI_INFO_NULL), where, ExitCode::kSoftware);
  Hid file = owned(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl), where + ": cannot create it",
                   ExitCode::kIoError);
  Hid dataset;
  try {
    write_dataset(spec, parts, where, parallel, rank, total, columns, file, dataset);
  } catch (...) {
    if (parallel) {  // closing is collective: the other ranks may never get there
      dataset.release();
      file.release();
    }
    throw;
  }
  // For tests of O3: DATAFLOW_FAULT_HDF5_WRITE=kill ends the process here, before the close.
  if (const char* fault = std::getenv("DATAFLOW_FAULT_HDF5_WRITE"); fault && std::strcmp(fault, "kill") == 0) {
    std::raise(SIGKILL);
  }
  // Every rank's data on storage (MPI_File_sync under MPI-IO), not only in caches.
  check_status(H5Fflush(file, H5F_SCOPE_GLOBAL), where + ": cannot flush", ExitCode::kIoError);
  dataset.close(where + ": cannot close the dataset");
  file.close(where + ": cannot close the file");
}

}  // namespace dataflow::io::h5

namespace dataflow::io::h5 {
namespace {

std::string host_name() {
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  return host;
}

void sync_path(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) throw Error(ExitCode::kIoError, "cannot open " + path + " to sync it: " + std::strerror(errno));
  const int rc = fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0 && err != EINVAL) throw Error(ExitCode::kIoError, "cannot sync " + path + ": " + std::strerror(err));
}

// Whether process `pid` of this host has ended (a zombie that nobody reaped has).
bool process_gone(long pid) {
  if (pid <= 0) return true;
  if (kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) return true;
  std::FILE* f = std::fopen(("/proc/" + std::to_string(pid) + "/stat").c_str(), "r");
  if (f == nullptr) return false;
  char line[512] = {0};
  const std::size_t n = std::fread(line, 1, sizeof line - 1, f);
  std::fclose(f);
  const char* paren = std::strrchr(line, ')');  // the state follows the command's ") "
  return n > 0 && paren != nullptr && paren[1] == ' ' && paren[2] == 'Z';
}

}  // namespace

std::string prepare_target(const WriteSpec& spec, std::uint64_t n) {
  namespace fs = std::filesystem;
  const fs::path target(spec.file);
  std::error_code ec;
  const auto status = fs::symlink_status(target, ec);
  if (fs::exists(status) && !spec.overwrite) {
    throw Error(ExitCode::kCantCreate,
                "HDF5 output " + spec.file + " already exists (remove it, or save with overwrite)");
  }
  if (fs::is_directory(status)) throw Error(ExitCode::kCantCreate, "HDF5 output " + spec.file + " is a directory");
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  fs::create_directories(dir, ec);
  if (ec)
    throw Error(ExitCode::kCantCreate, "cannot create the directory of HDF5 output " + spec.file + ": " + ec.message());
  // Leftovers of killed writers: NAME.tmp-<host>.<pid>.<n>, ours, from this host, process gone.
  const std::string host = host_name();
  const std::string prefix = "." + target.filename().string() + ".tmp-" + host + ".";
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    struct stat st {};
    if (lstat(entry.path().c_str(), &st) != 0 || st.st_uid != getuid() || !S_ISREG(st.st_mode)) continue;
    const long pid = std::strtol(name.c_str() + prefix.size(), nullptr, 10);
    if (process_gone(pid)) fs::remove(entry.path(), ec);
  }
  // Made here, private (0600) under a name no one can guess in advance, and opened by the
  // ranks with truncation: a planted link is refused (O_EXCL | O_NOFOLLOW), and an error
  // is one clear line (73) instead of one per rank. The signal watcher removes it.
  unsigned char random[6];
  if (getrandom(random, sizeof random, 0) != static_cast<ssize_t>(sizeof random)) {
    throw Error(ExitCode::kIoError, std::string("getrandom: ") + std::strerror(errno));
  }
  std::string suffix;
  for (unsigned char c : random) suffix += "0123456789abcdef"[c >> 4], suffix += "0123456789abcdef"[c & 15];
  const std::string tmp = (dir / (prefix + std::to_string(getpid()) + "." + std::to_string(n) + "." + suffix)).string();
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    throw Error(errno == EACCES ? ExitCode::kNoPermission : ExitCode::kCantCreate,
                "cannot create " + tmp + " (HDF5 output " + spec.file + "): " + std::strerror(errno));
  }
  ::close(fd);
  result::track_temporary(tmp);
  return tmp;
}

void discard(const std::string& tmp) {
  result::untrack_temporary(tmp);
  unlink(tmp.c_str());
}

void publish(const std::string& tmp, const WriteSpec& spec) {
  sync_path(tmp, O_RDONLY);
  // Published with the mode a new file gets (0666 less the umask), no longer private.
  const mode_t mask = umask(0);
  umask(mask);
  chmod(tmp.c_str(), 0666 & ~mask);
  result::untrack_temporary(tmp);  // from here on, the signal watcher leaves it alone
  const unsigned flags = spec.overwrite ? 0 : RENAME_NOREPLACE;
  int rc = renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, spec.file.c_str(), flags);
  if (rc != 0 && flags != 0 && (errno == EINVAL || errno == ENOSYS)) {
    // NFS, CephFS and others take no rename flags: link() fails alike on an existing name.
    rc = link(tmp.c_str(), spec.file.c_str());
    if (rc == 0) unlink(tmp.c_str());
  }
  if (rc != 0) {
    const int err = errno;
    unlink(tmp.c_str());
    if (err == EEXIST) throw Error(ExitCode::kCantCreate, "HDF5 output " + spec.file + " appeared while the job ran");
    throw Error(ExitCode::kIoError, "cannot rename " + tmp + " to " + spec.file + ": " + std::strerror(err));
  }
  const std::filesystem::path target(spec.file);
  sync_path(target.has_parent_path() ? target.parent_path().string() : std::string("."), O_RDONLY | O_DIRECTORY);
}

}  // namespace dataflow::io::h5
