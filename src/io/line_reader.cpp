// Reading the lines of a text split from an mmap of the file, with Hadoop's split rules:
// a split owns the lines whose first byte lies in [start, end). So every split but a file's
// first skips its partial first line, and each split reads past its end to finish its last
// line; every line is read exactly once, whatever the split size.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "dataflow/detail/task_context.hpp"
#include "dataflow/error.hpp"

namespace dataflow::detail {
namespace {

[[noreturn]] void io_error(const std::string& what, const std::string& path, int err) {
  ExitCode code = err == ENOENT ? ExitCode::kNoInput : err == EACCES ? ExitCode::kNoPermission : ExitCode::kIoError;
  throw Error(code, "cannot " + what + " input " + path + ": " + std::strerror(err));
}

class Mapping {
 public:
  Mapping(int fd, std::uint64_t offset, std::uint64_t length, const std::string& path) : length_(length) {
    void* p = mmap(nullptr, length, PROT_READ, MAP_PRIVATE, fd, static_cast<off_t>(offset));
    if (p == MAP_FAILED) io_error("map", path, errno);
    base_ = static_cast<const char*>(p);
  }
  ~Mapping() { munmap(const_cast<char*>(base_), length_); }
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  const char* data() const { return base_; }

 private:
  const char* base_ = nullptr;
  std::uint64_t length_;
};

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

void read_lines(const TextSplit& split, Emit<std::string_view> emit) {
  Fd fd(open(split.path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) io_error("open", split.path, errno);
  struct stat st {};
  if (fstat(fd.get(), &st) != 0) io_error("stat", split.path, errno);
  const auto size = static_cast<std::uint64_t>(st.st_size);
  if (size != split.file_size) {
    throw Error(ExitCode::kDataError, "input file changed after planning: " + split.path + " is " +
                                          std::to_string(size) + " bytes, was " + std::to_string(split.file_size));
  }
  if (split.start >= split.end) return;  // an empty file's split, checked above
  // Map from the byte before the split (to see whether a line starts at `start`) to the end
  // of the file (the last line may run past the split).
  const std::uint64_t page = static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
  const std::uint64_t first = split.start == 0 ? 0 : split.start - 1;
  const std::uint64_t map_off = first / page * page;
  Mapping map(fd.get(), map_off, size - map_off, split.path);
  const char* data = map.data() - map_off;  // data[i] is file byte i, for i >= map_off
  madvise(const_cast<char*>(map.data()), size - map_off, MADV_SEQUENTIAL);

  std::uint64_t pos = split.start;
  if (pos != 0 && data[pos - 1] != '\n') {
    const void* nl = std::memchr(data + pos, '\n', size - pos);
    if (!nl) return;  // the split lies inside the file's last line, owned by an earlier split
    pos = static_cast<std::uint64_t>(static_cast<const char*>(nl) - data) + 1;
  }
  while (pos < split.end) {
    const void* nl = std::memchr(data + pos, '\n', size - pos);
    const std::uint64_t line_end = nl ? static_cast<std::uint64_t>(static_cast<const char*>(nl) - data) : size;
    std::uint64_t len = line_end - pos;
    if (len > 0 && data[line_end - 1] == '\r') --len;  // "\r\n", or a final "\r"
    emit(std::string_view(data + pos, len));
    pos = line_end + 1;
  }
}

}  // namespace dataflow::detail
