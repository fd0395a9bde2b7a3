// Reading the lines (or fixed-length records) of a split with Hadoop's split rules: a piece owns the lines whose
// first byte lies in [start, end). So every piece but a file's first skips its partial first
// line, and each piece reads past its end to finish its last line; every line is read
// exactly once, whatever the split size. A piece that holds no line start reads only its own
// bytes.
//
// Files are read with pread into a buffer the thread reuses, never mapped: a file truncated
// while it is read gives a short read (a data error naming it), not SIGBUS. Each file is
// opened, its identity (inode, size, mtime) compared with the planned one, read through that
// descriptor, and its identity compared again at the end, so a file replaced, truncated or
// rewritten while the job runs fails the job rather than change its answer.
#include "io/line_reader.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>
#include <string>
#include <utility>

#include "dataflow/error.hpp"
#include "io/input_paths.hpp"

namespace dataflow::io {
namespace {

using detail::FileIdentity;
using detail::FilePiece;

// One pread. Large enough that a read costs little per byte, small enough to stay in cache
// while its lines are processed.
constexpr std::size_t kBlockBytes = std::size_t{4} << 20;
// The first read past a piece's end, to finish its last line; doubled up to kBlockBytes.
constexpr std::size_t kTailBytes = std::size_t{64} << 10;

[[noreturn]] void io_error(const std::string& what, const std::string& path, int err) {
  ExitCode code = err == ENOENT ? ExitCode::kNoInput : err == EACCES ? ExitCode::kNoPermission : ExitCode::kIoError;
  throw Error(code, "cannot " + what + " input " + path + ": " + std::strerror(err));
}

[[noreturn]] void changed(const std::string& path, const std::string& how) {
  throw Error(ExitCode::kDataError, "input " + path + " changed while the job ran (" + how + ")");
}

// The device is not compared: a network file system's device number is given by each
// node's kernel at mount time, so the driver's node and an executor's may differ.
void check_identity(const FilePiece& piece, const FileIdentity& now) {
  const FileIdentity& was = piece.file;
  if (now.inode != was.inode) {
    changed(piece.path,
            "replaced by another file: inode " + std::to_string(now.inode) + ", was " + std::to_string(was.inode));
  }
  if (now.size != was.size) {
    changed(piece.path, "now " + std::to_string(now.size) + " bytes, was " + std::to_string(was.size));
  }
  if (now.mtime_ns != was.mtime_ns) {
    changed(piece.path, "modified: mtime " + std::to_string(now.mtime_ns) + " ns, was " + std::to_string(was.mtime_ns));
  }
}

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

// Bytes of a file, kept by a thread from split to split (allocated once, not per split).
// Anonymous memory in huge pages where the kernel has them, grown by mremap: a line of
// hundreds of MB is neither copied at each doubling nor faulted in 4 KiB at a time.
class Buffer {
 public:
  Buffer() = default;
  ~Buffer() { release(); }
  Buffer(Buffer&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)), capacity_(std::exchange(other.capacity_, 0)) {}
  Buffer& operator=(Buffer&& other) noexcept {
    if (this != &other) {
      release();
      data_ = std::exchange(other.data_, nullptr);
      capacity_ = std::exchange(other.capacity_, 0);
    }
    return *this;
  }
  char* data() const { return data_; }
  std::size_t capacity() const { return capacity_; }

  // At least `need` bytes, keeping the contents. Doubling, so a long line costs linear
  // work; up to one block unless a line needs more. Throws std::bad_alloc.
  void grow(std::size_t need) {
    std::size_t capacity = std::max(need, 2 * capacity_);
    if (need <= kBlockBytes) capacity = std::min(capacity, kBlockBytes);
    capacity = (capacity + kGranule - 1) / kGranule * kGranule;
    void* p = data_ ? mremap(data_, capacity_, capacity, MREMAP_MAYMOVE)
                    : mmap(nullptr, capacity, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    madvise(p, capacity, MADV_HUGEPAGE);  // advice only: fine where unsupported
    data_ = static_cast<char*>(p);
    capacity_ = capacity;
  }

 private:
  static constexpr std::size_t kGranule = std::size_t{2} << 20;  // a huge page

  void release() {
    if (data_) munmap(data_, capacity_);
    data_ = nullptr;
    capacity_ = 0;
  }

  char* data_ = nullptr;
  std::size_t capacity_ = 0;
};

thread_local Buffer t_buffer;

// Lends the thread's buffer for one split; a nested read on the same thread gets its own.
// A buffer grown past one block by a long line is freed rather than kept.
class BorrowedBuffer {
 public:
  BorrowedBuffer() : buffer_(std::exchange(t_buffer, Buffer{})) {}
  ~BorrowedBuffer() {
    if (buffer_.capacity() <= kBlockBytes) t_buffer = std::move(buffer_);
  }
  BorrowedBuffer(const BorrowedBuffer&) = delete;
  BorrowedBuffer& operator=(const BorrowedBuffer&) = delete;
  Buffer& get() { return buffer_; }

 private:
  Buffer buffer_;
};

// A window [base, base + len) of one file held in the buffer.
class Window {
 public:
  Window(int fd, const FilePiece& piece, Buffer& buffer, std::uint64_t base)
      : fd_(fd), piece_(piece), buffer_(buffer), base_(base) {}

  std::uint64_t end() const { return base_ + len_; }
  const char* at(std::uint64_t offset) const { return buffer_.data() + (offset - base_); }
  std::uint64_t bytes_read() const { return read_; }

  // Drops the bytes before `keep` (base <= keep <= end()) and appends up to `want` (> 0)
  // more bytes. False, reading nothing, at the planned end of the file.
  bool fill(std::uint64_t keep, std::uint64_t want) {
    const std::uint64_t size = piece_.file.size;
    if (end() >= size) return false;
    const std::size_t drop = static_cast<std::size_t>(keep - base_);
    if (drop > 0) {
      std::memmove(buffer_.data(), buffer_.data() + drop, len_ - drop);
      base_ = keep;
      len_ -= drop;
    }
    std::size_t n = static_cast<std::size_t>(std::min(want, size - end()));
    if (len_ + n > buffer_.capacity()) {
      const std::size_t room = buffer_.capacity() - len_;
      if (buffer_.capacity() >= kBlockBytes && room >= kTailBytes) {
        n = room;  // read a little less rather than grow past a block
      } else {
        buffer_.grow(len_ + n);
      }
    }
    std::size_t got = 0;
    while (got < n) {
      const ssize_t r = pread(fd_, buffer_.data() + len_ + got, n - got, static_cast<off_t>(end() + got));
      if (r < 0) {
        if (errno == EINTR) continue;
        io_error("read", piece_.path, errno);
      }
      if (r == 0) {
        changed(piece_.path, "it ends at byte " + std::to_string(end() + got) + " of the " + std::to_string(size) +
                                 " planned: truncated while being read");
      }
      got += static_cast<std::size_t>(r);
    }
    len_ += n;
    read_ += n;
    return true;
  }

 private:
  int fd_;
  const FilePiece& piece_;
  Buffer& buffer_;
  std::uint64_t base_;
  std::size_t len_ = 0;
  std::uint64_t read_ = 0;
};

[[noreturn]] void line_too_long(const FilePiece& piece, std::uint64_t offset, std::uint64_t limit) {
  throw Error(ExitCode::kDataError, "input " + piece.path + ": the line at byte offset " + std::to_string(offset) +
                                        " is longer than the maximum line size of " + std::to_string(limit) +
                                        " bytes (--max-line-size, DATAFLOW_MAX_LINE_SIZE)");
}

// Reads the lines of one piece; returns the bytes read.
std::uint64_t read_piece(const FilePiece& piece, std::uint64_t max_line, Buffer& buffer,
                         detail::Emit<std::string_view>& emit) {
  Fd fd(open(piece.path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) io_error("open", piece.path, errno);
  struct stat st {};
  if (fstat(fd.get(), &st) != 0) io_error("stat", piece.path, errno);
  check_identity(piece, identity_of(st));
  const std::uint64_t start = piece.start;
  const std::uint64_t end = std::min(piece.end, piece.file.size);
  if (start >= end) return 0;  // an empty file's piece: its identity is all there is to check
  posix_fadvise(fd.get(), static_cast<off_t>(start), 0, POSIX_FADV_SEQUENTIAL);

  // The first line start at or after `start`: 0, or just after a '\n' at or after start - 1.
  // Only '\n's before end - 1 start a line of this piece, so the search reads no further.
  Window w(fd.get(), piece, buffer, start == 0 ? 0 : start - 1);
  std::uint64_t pos = 0;
  if (start > 0) {
    const std::uint64_t limit = end - 1;
    std::uint64_t scan = start - 1;
    for (;;) {
      if (scan == limit) return w.bytes_read();  // inside a line that an earlier piece owns
      if (scan == w.end()) w.fill(scan, std::min<std::uint64_t>(kBlockBytes, limit - scan));
      const std::size_t n = static_cast<std::size_t>(std::min(w.end(), limit) - scan);
      const char* from = w.at(scan);
      if (const void* nl = std::memchr(from, '\n', n)) {
        pos = scan + static_cast<std::uint64_t>(static_cast<const char*>(nl) - from) + 1;
        break;
      }
      scan += n;
    }
  }

  auto emit_line = [&](std::uint64_t line_end) {
    std::uint64_t len = line_end - pos;
    if (len > 0 && *w.at(line_end - 1) == '\r') --len;  // "\r\n", or a final "\r"
    if (len > max_line) line_too_long(piece, pos, max_line);
    emit(std::string_view(w.at(pos), static_cast<std::size_t>(len)));
  };
  std::uint64_t scan = pos;  // the '\n' ending the line at pos is at or after scan
  std::uint64_t tail = kTailBytes;
  while (pos < end) {
    if (scan == w.end()) {
      // Without a '\r' to strip, the line has at least scan - pos bytes.
      if (scan - pos > max_line && scan - pos - max_line > 1) line_too_long(piece, pos, max_line);
      std::uint64_t want = kBlockBytes;
      if (w.end() < end) {
        want = std::min<std::uint64_t>(kBlockBytes, end - w.end());
      } else {
        want = tail;
        tail = std::min<std::uint64_t>(2 * tail, kBlockBytes);
      }
      if (!w.fill(pos, want)) {  // the file's last line, without a final '\n'
        emit_line(w.end());
        break;
      }
      continue;
    }
    const std::size_t n = static_cast<std::size_t>(w.end() - scan);
    const char* from = w.at(scan);
    const void* nl = std::memchr(from, '\n', n);
    if (!nl) {
      scan = w.end();
      continue;
    }
    const std::uint64_t line_end = scan + static_cast<std::uint64_t>(static_cast<const char*>(nl) - from);
    emit_line(line_end);
    pos = line_end + 1;
    scan = pos;
  }
  // Rewritten in place while being read (same inode, new mtime) is a change too.
  if (fstat(fd.get(), &st) != 0) io_error("stat", piece.path, errno);
  check_identity(piece, identity_of(st));
  return w.bytes_read();
}

// Reads the records of `length` bytes that start in [piece.start, piece.end).
void read_piece_records(const FilePiece& piece, std::uint64_t length, Buffer& buffer,
                        detail::Emit<std::string_view>& emit) {
  Fd fd(open(piece.path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) io_error("open", piece.path, errno);
  struct stat st {};
  if (fstat(fd.get(), &st) != 0) io_error("stat", piece.path, errno);
  check_identity(piece, identity_of(st));
  const std::uint64_t first = (piece.start + length - 1) / length * length;
  const std::uint64_t end = std::min((piece.end + length - 1) / length * length, piece.file.size);
  if (first >= end) return;
  posix_fadvise(fd.get(), static_cast<off_t>(first), 0, POSIX_FADV_SEQUENTIAL);
  const std::uint64_t block = std::max<std::uint64_t>(1, kBlockBytes / length) * length;
  Window w(fd.get(), piece, buffer, first);
  std::uint64_t pos = first;
  while (pos < end) {
    w.fill(pos, std::min(block, end - pos));
    for (; pos + length <= w.end() && pos < end; pos += length) {
      emit(std::string_view(w.at(pos), static_cast<std::size_t>(length)));
    }
  }
  if (fstat(fd.get(), &st) != 0) io_error("stat", piece.path, errno);
  check_identity(piece, identity_of(st));
}

}  // namespace

ReadStats read_split_lines(const detail::TextSplit& split, detail::Emit<std::string_view> emit) {
  BorrowedBuffer buffer;
  ReadStats stats;
  for (const FilePiece& piece : split.pieces) {
    stats.bytes_read += read_piece(piece, split.max_line_size, buffer.get(), emit);
  }
  return stats;
}

}  // namespace dataflow::io

namespace dataflow::detail {

void read_lines(const TextSplit& split, Emit<std::string_view> emit) { io::read_split_lines(split, emit); }

void read_records(const TextSplit& split, std::uint64_t record_length, Emit<std::string_view> emit) {
  io::BorrowedBuffer buffer;
  for (const FilePiece& piece : split.pieces) io::read_piece_records(piece, record_length, buffer.get(), emit);
}

}  // namespace dataflow::detail
